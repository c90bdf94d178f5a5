package io.strata.platform.metadata;

import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Which database holds the metadata, and the SQL that differs between them. Liveness is judged by the
 * database clock: on PostgreSQL {@code clock_timestamp()}, the time of the statement's execution
 * ({@code now()} is the transaction's start, which a long transaction would hold back); on H2
 * {@code CURRENT_TIMESTAMP}.
 */
@Component
public class MetadataDatabase {
    private final boolean h2;
    private final boolean postgres;

    public MetadataDatabase(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            this.h2 = "H2".equalsIgnoreCase(product);
            this.postgres = "PostgreSQL".equalsIgnoreCase(product);
        }
    }

    /** The embedded database: it holds a one-broker cluster only. */
    public boolean isH2() {
        return h2;
    }

    /** SQL for the database's current time, evaluated when the statement runs. */
    public String clock() {
        return postgres ? "clock_timestamp()" : "CURRENT_TIMESTAMP";
    }
}
