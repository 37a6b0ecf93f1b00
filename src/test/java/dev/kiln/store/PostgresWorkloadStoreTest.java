package dev.kiln.store;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on PostgreSQL. Runs when the system property {@code kiln.test.postgres.url} is set (user and
 * password {@code kiln}); skipped otherwise — except in CI ({@code CI=true}), where a missing database fails the
 * build rather than silently skipping the test.
 */
class PostgresWorkloadStoreTest extends AbstractWorkloadStoreTest {
    static final String USER = "kiln";
    static final String PASSWORD = "kiln";
    static String url;

    @BeforeAll
    static void requirePostgres() {
        url = System.getProperty("kiln.test.postgres.url", "").trim();
        if (url.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but -Dkiln.test.postgres.url is empty: the PostgreSQL store tests must run in CI"
                        + " (.ci/run sets KILN_TEST_POSTGRES_URL)");
            }
            assumeTrue(false, "kiln.test.postgres.url is not set; skipping the PostgreSQL store tests");
        }
    }

    @Override
    protected Database openEmptyDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
        Database db = Database.open(url, USER, PASSWORD);
        if (!db.isPostgres()) {
            db.close();
            throw new AssertionError(url + " is not a PostgreSQL URL");
        }
        return db;
    }
}
