package io.strata.platform.metadata;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Forces committed metadata to disk on the embedded H2 database. H2 writes a commit to its file lazily
 * and never fsyncs it, while {@link io.strata.engine.metadata.MetadataStore} promises durability when a
 * call returns; {@code CHECKPOINT SYNC} writes and fsyncs. PostgreSQL already flushes its WAL on commit,
 * so there this is a no-op.
 *
 * <p>Called after the transaction has completed and released its connection, so it never holds two
 * pool connections at once.
 */
@Component
public class EmbeddedDatabaseSync {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseSync.class);

    private final JdbcTemplate jdbc;
    private final boolean enabled;

    public EmbeddedDatabaseSync(DataSource dataSource) throws SQLException {
        this.jdbc = new JdbcTemplate(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            String url = connection.getMetaData().getURL();
            this.enabled = "H2".equalsIgnoreCase(product) && url != null && !url.startsWith("jdbc:h2:mem:");
        }
        log.debug("Forcing metadata commits to disk: {}", enabled);
    }

    /** Makes every transaction committed so far durable. */
    public void afterWrite() {
        if (enabled) {
            jdbc.execute("CHECKPOINT SYNC");
        }
    }

    public boolean isEnabled() {
        return enabled;
    }
}
