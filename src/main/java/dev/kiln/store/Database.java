package dev.kiln.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/** The connection pool, migrated on open: the same versioned migrations run on H2 and on PostgreSQL. */
public final class Database implements AutoCloseable {
    private static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

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
        String jdbcUrl = h2 && !url.contains("MODE=") ? url + H2_OPTIONS : url;
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
