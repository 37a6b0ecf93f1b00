package dev.kiln.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/** The connection pool, migrated on open: the same versioned migrations run on H2 and on PostgreSQL. */
public final class Database implements AutoCloseable {
    /**
     * H2 settings Kiln relies on. WRITE_DELAY=0 makes every commit reach the file before the call returns: with
     * H2's default (500 ms) a killed server loses its last commits, and a 200 must mean committed.
     */
    private static final java.util.Map<String, String> H2_OPTIONS = new java.util.LinkedHashMap<>(java.util.Map.of(
            "MODE", "PostgreSQL",
            "DATABASE_TO_LOWER", "TRUE",
            "DEFAULT_NULL_ORDERING", "HIGH",
            "WRITE_DELAY", "0"));

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.postgres = postgres;
    }

    public static Database open(String url, String user, String password) {
        boolean h2 = url.startsWith("jdbc:h2:");
        String jdbcUrl = h2 ? withH2Options(url) : url;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(h2 ? 8 : 16);
        config.setPoolName("kiln");
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, !h2);
    }

    /** Adds each of {@link #H2_OPTIONS} the URL does not set itself. */
    static String withH2Options(String url) {
        StringBuilder out = new StringBuilder(url);
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        H2_OPTIONS.forEach((key, value) -> {
            if (!upper.contains(";" + key + "=")) {
                out.append(';').append(key).append('=').append(value);
            }
        });
        return out.toString();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isPostgres() {
        return postgres;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
