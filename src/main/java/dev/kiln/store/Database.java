package dev.kiln.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.LocalTransactionHandler;

/** The connection pool, migrated on open: the same versioned migrations run on H2 and on PostgreSQL. */
public final class Database implements AutoCloseable {
    /** H2 settings Kiln relies on. */
    private static final java.util.Map<String, String> H2_OPTIONS = new java.util.LinkedHashMap<>(java.util.Map.of(
            "MODE", "PostgreSQL",
            "DATABASE_TO_LOWER", "TRUE",
            "DEFAULT_NULL_ORDERING", "HIGH"));

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.postgres = postgres;
        if (!postgres) {
            durableH2Commits(jdbi);
        }
    }

    /**
     * H2 writes committed changes to its file from a background thread, up to half a second later, so a killed
     * server would lose its last acknowledged writes; and with WRITE_DELAY=0 H2 stops reclaiming file space (the
     * file grows without bound). So commits stay as H2 likes them and every write is followed by a CHECKPOINT,
     * which puts it in the file (page cache) before the call returns: a 200 means committed, even across kill -9.
     * PostgreSQL needs none of this.
     */
    private static void durableH2Commits(Jdbi jdbi) {
        jdbi.setTransactionHandler(new DelegatingTransactionHandler(new LocalTransactionHandler()) {
            @Override
            public void commit(Handle handle) {
                super.commit(handle);
                checkpoint(handle.getConnection());
            }
        });
        jdbi.addCustomizer(new StatementCustomizer() {
            @Override
            public void afterExecution(PreparedStatement statement, StatementContext ctx) throws SQLException {
                String sql = ctx.getRawSql().stripLeading();
                boolean read = sql.regionMatches(true, 0, "SELECT", 0, 6);
                if (!read && ctx.getConnection().getAutoCommit()) {
                    checkpoint(ctx.getConnection());
                }
            }
        });
    }

    private static void checkpoint(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        }
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
