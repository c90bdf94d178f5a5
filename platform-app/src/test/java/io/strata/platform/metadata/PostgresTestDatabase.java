package io.strata.platform.metadata;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A throw-away schema in the PostgreSQL database named by {@code STRATA_TEST_PG_URL},
 * {@code STRATA_TEST_PG_USER} and {@code STRATA_TEST_PG_PASSWORD}. Without them the tests are skipped,
 * except on CI ({@code CI=true}) where PostgreSQL is mandatory and their absence fails the build.
 */
public final class PostgresTestDatabase implements AutoCloseable {
    private final String url;
    private final String user;
    private final String password;
    private final String schema = "strata_test_" + UUID.randomUUID().toString().replace("-", "");

    private PostgresTestDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Connects and creates a fresh schema, or skips (fails on CI) when no database is configured. */
    public static PostgresTestDatabase createOrSkip() throws SQLException {
        String url = System.getenv("STRATA_TEST_PG_URL");
        String user = System.getenv("STRATA_TEST_PG_USER");
        String password = System.getenv("STRATA_TEST_PG_PASSWORD");
        if (isBlank(url) || isBlank(user) || password == null) {
            String reason = "PostgreSQL tests need STRATA_TEST_PG_URL, STRATA_TEST_PG_USER and STRATA_TEST_PG_PASSWORD"
                    + " (see .ci/run)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + "; they are mandatory when CI=true.");
            }
            Assumptions.abort(reason + "; skipped.");
        }
        PostgresTestDatabase db = new PostgresTestDatabase(url, user, password);
        db.execute("CREATE SCHEMA " + db.schema);
        return db;
    }

    /** {@code spring.datasource.*} properties pointing at the fresh schema. */
    public Map<String, String> datasourceProperties() {
        String separator = url.contains("?") ? "&" : "?";
        return Map.of(
                "spring.datasource.url", url + separator + "currentSchema=" + schema,
                "spring.datasource.username", user,
                "spring.datasource.password", password);
    }

    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
