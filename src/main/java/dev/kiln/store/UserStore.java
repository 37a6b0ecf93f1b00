package dev.kiln.store;

import static java.util.Objects.requireNonNull;

import dev.kiln.auth.AuditEntry;
import dev.kiln.auth.SshKey;
import dev.kiln.auth.Token;
import dev.kiln.auth.User;
import dev.kiln.auth.UserDirectory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Users, tokens and the audit log in the database. */
public final class UserStore implements UserDirectory {
    private final Database database;

    public UserStore(Database database) {
        this.database = requireNonNull(database, "database is null");
    }

    @Override
    public void insertUser(User user) {
        database.jdbi().useTransaction(h -> {
            h.createUpdate("INSERT INTO users (id, name, role, created_at, deleted) VALUES (:id, :name, :role, :at, FALSE)")
                    .bind("id", user.id())
                    .bind("name", user.name())
                    .bind("role", user.role().name())
                    .bind("at", user.createdAt().toEpochMilli())
                    .execute();
            for (String ws : user.workspaces()) {
                h.createUpdate("INSERT INTO user_workspaces (user_id, workspace_id) VALUES (:u, :w)")
                        .bind("u", user.id())
                        .bind("w", ws)
                        .execute();
            }
        });
    }

    @Override
    public Optional<User> user(String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id AND NOT deleted")
                .bind("id", id)
                .map((rs, ctx) -> user(h, rs))
                .findOne());
    }

    @Override
    public Optional<User> userByName(String name) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM users WHERE LOWER(name) = LOWER(:name) AND NOT deleted")
                .bind("name", name)
                .map((rs, ctx) -> user(h, rs))
                .findOne());
    }

    @Override
    public List<User> users() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM users WHERE NOT deleted ORDER BY name")
                .map((rs, ctx) -> user(h, rs))
                .list());
    }

    private static User user(Handle h, ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        Set<String> workspaces = new HashSet<>(h.createQuery("SELECT workspace_id FROM user_workspaces WHERE user_id = :u")
                .bind("u", id)
                .mapTo(String.class)
                .list());
        return new User(id, rs.getString("name"), User.Role.valueOf(rs.getString("role")), workspaces,
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    @Override
    public boolean deleteUser(String id, Instant now) {
        return database.jdbi().inTransaction(h -> {
            int n = h.createUpdate("UPDATE users SET deleted = TRUE, name = CONCAT(name, '#deleted-', id, '-', :at) WHERE id = :id AND NOT deleted")
                    .bind("id", id)
                    .bind("at", now.toEpochMilli())
                    .execute();
            h.createUpdate("UPDATE tokens SET revoked_at = :at WHERE user_id = :id AND revoked_at IS NULL")
                    .bind("id", id)
                    .bind("at", now.toEpochMilli())
                    .execute();
            h.createUpdate("DELETE FROM ssh_keys WHERE user_id = :id").bind("id", id).execute();
            return n == 1;
        });
    }

    @Override
    public void insertToken(Token t) {
        database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO tokens (id, user_id, name, hash, created_at, expires_at, revoked_at)"
                        + " VALUES (:id, :user_id, :name, :hash, :created_at, :expires_at, NULL)")
                .bind("id", t.id())
                .bind("user_id", t.userId())
                .bind("name", t.name())
                .bind("hash", t.hash())
                .bind("created_at", t.createdAt().toEpochMilli())
                .bind("expires_at", t.expiresAt() == null ? null : t.expiresAt().toEpochMilli())
                .execute());
    }

    @Override
    public Optional<Token> tokenByHash(String hash) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM tokens WHERE hash = :hash")
                .bind("hash", hash)
                .map(UserStore::token)
                .findOne());
    }

    @Override
    public List<Token> tokens(String userId) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM tokens WHERE user_id = :u ORDER BY created_at, id")
                .bind("u", userId)
                .map(UserStore::token)
                .list());
    }

    @Override
    public boolean revokeToken(String userId, String tokenId, Instant now) {
        return database.jdbi().withHandle(h -> h.createUpdate("UPDATE tokens SET revoked_at = :at"
                        + " WHERE id = :id AND user_id = :u AND revoked_at IS NULL")
                .bind("id", tokenId)
                .bind("u", userId)
                .bind("at", now.toEpochMilli())
                .execute()) == 1;
    }

    private static Token token(ResultSet rs, StatementContext ctx) throws SQLException {
        long exp = rs.getLong("expires_at");
        Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(exp);
        long rev = rs.getLong("revoked_at");
        Instant revoked = rs.wasNull() ? null : Instant.ofEpochMilli(rev);
        return new Token(rs.getString("id"), rs.getString("user_id"), rs.getString("name"), rs.getString("hash"),
                Instant.ofEpochMilli(rs.getLong("created_at")), expires, revoked);
    }

    @Override
    public boolean insertKey(SshKey k) {
        return database.jdbi().inTransaction(h -> {
            boolean taken = h.createQuery("SELECT COUNT(*) FROM ssh_keys WHERE fingerprint = :f")
                    .bind("f", k.fingerprint())
                    .mapTo(Integer.class)
                    .one() > 0;
            if (taken) {
                return false;
            }
            h.createUpdate("INSERT INTO ssh_keys (id, user_id, name, key_type, public_key, fingerprint, created_at)"
                            + " VALUES (:id, :user_id, :name, :key_type, :public_key, :fingerprint, :created_at)")
                    .bind("id", k.id())
                    .bind("user_id", k.userId())
                    .bind("name", k.name())
                    .bind("key_type", k.type())
                    .bind("public_key", k.publicKey())
                    .bind("fingerprint", k.fingerprint())
                    .bind("created_at", k.createdAt().toEpochMilli())
                    .execute();
            return true;
        });
    }

    @Override
    public List<SshKey> keys(String userId) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM ssh_keys WHERE user_id = :u ORDER BY created_at, id")
                .bind("u", userId)
                .map(UserStore::key)
                .list());
    }

    @Override
    public boolean deleteKey(String userId, String keyId) {
        return database.jdbi().withHandle(h -> h.createUpdate("DELETE FROM ssh_keys WHERE id = :id AND user_id = :u")
                .bind("id", keyId)
                .bind("u", userId)
                .execute()) == 1;
    }

    @Override
    public Optional<SshKey> keyByFingerprint(String fingerprint) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM ssh_keys WHERE fingerprint = :f")
                .bind("f", fingerprint)
                .map(UserStore::key)
                .findOne());
    }

    private static SshKey key(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SshKey(rs.getString("id"), rs.getString("user_id"), rs.getString("name"), rs.getString("key_type"),
                rs.getString("public_key"), rs.getString("fingerprint"), Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    /** Audit entries of concurrent requests share one commit; each request still waits for its own. */
    private final GroupCommit<AuditEntry> auditWriter = new GroupCommit<>("audit", this::insertAudit, e -> insertAudit(List.of(e)));

    @Override
    public void audit(AuditEntry e) {
        auditWriter.insert(e);
    }

    private void insertAudit(List<AuditEntry> entries) {
        database.jdbi().useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO audit (at, user_id, user_name, action, target, status, detail)"
                    + " VALUES (:at, :user_id, :user_name, :action, :target, :status, :detail)");
            for (AuditEntry e : entries) {
                batch.bind("at", e.at().toEpochMilli())
                        .bind("user_id", e.userId())
                        .bind("user_name", e.userName())
                        .bind("action", cut(e.action(), 128))
                        .bind("target", cut(e.target(), 1024))
                        .bind("status", e.status())
                        .bind("detail", cut(e.detail(), 1024))
                        .add();
            }
            batch.execute();
        });
    }

    /** Writes the audit entries still queued; the database stays open. */
    public void close() {
        auditWriter.close();
    }

    @Override
    public List<AuditEntry> audit(Instant since, String userId, int limit) {
        return database.jdbi().withHandle(h -> {
            var query = h.createQuery("SELECT * FROM audit WHERE at >= :since"
                            + (userId == null ? "" : " AND user_id = :u") + " ORDER BY at DESC, id DESC LIMIT :limit")
                    .bind("since", since == null ? 0 : since.toEpochMilli())
                    .bind("limit", limit);
            if (userId != null) {
                query.bind("u", userId);
            }
            return query.map((rs, ctx) -> new AuditEntry(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("at")),
                        rs.getString("user_id"), rs.getString("user_name"), rs.getString("action"),
                        rs.getString("target"), rs.getInt("status"), rs.getString("detail")))
                    .list();
        });
    }

    private static String cut(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max);
    }
}
