package io.strata.platform.metadata;

import java.util.Map;

/** The store contract on PostgreSQL, each run in a schema of its own that is dropped afterwards. */
class JpaMetadataStorePostgresTest extends AbstractJpaMetadataStoreTest {
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

    @Override
    protected void releaseDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }
}
