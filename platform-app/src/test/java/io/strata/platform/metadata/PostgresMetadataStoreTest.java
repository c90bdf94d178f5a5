package io.strata.platform.metadata;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract on PostgreSQL, each run in a schema of its own that is dropped afterwards. */
class PostgresMetadataStoreTest extends AbstractMetadataStoreTest {
    private PostgresTestDatabase database;

    @Override
    protected Map<String, String> datasourceProperties() throws Exception {
        if (database == null) {
            database = PostgresTestDatabase.createOrSkip();
        }
        return database.datasourceProperties();
    }

    @Override
    protected boolean forcesCommitsToDisk() {
        return false;
    }

    @Test
    void aTransactionLeftIdleByAFrozenBrokerIsEndedSoItsLockOnTheControllerLeaseIsReleased() throws Exception {
        DataSource pool = context().getBean(DataSource.class);
        try (Connection frozen = pool.getConnection(); Connection other = pool.getConnection()) {
            frozen.setAutoCommit(false);
            try (Statement lock = frozen.createStatement()) {
                lock.executeQuery("SELECT controller_epoch FROM controller_lease WHERE id = 1 FOR UPDATE").close();
            }
            // The frozen connection now sits idle in its transaction holding the row lock, as a SIGSTOPped
            // broker's would. The other one's update must get the row once the server ends that transaction.
            try (Statement renew = other.createStatement()) {
                renew.setQueryTimeout(20);
                assertThat(renew.executeUpdate("UPDATE controller_lease SET lease_ms = lease_ms WHERE id = 1"))
                        .isEqualTo(1);
            }
            assertThatThrownBy(() -> {
                try (Statement next = frozen.createStatement()) {
                    next.executeQuery("SELECT 1").close();
                }
            }).isInstanceOf(SQLException.class);
        }
    }

    @Override
    protected void releaseDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }
}
