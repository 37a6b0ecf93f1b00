package dev.kiln.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where users, tokens and the audit log are kept (the database). */
public interface UserDirectory {
    void insertUser(User user);

    Optional<User> user(String id);

    Optional<User> userByName(String name);

    List<User> users();

    /** Marks the user deleted and revokes all its tokens. */
    boolean deleteUser(String id, Instant now);

    void insertToken(Token token);

    Optional<Token> tokenByHash(String hash);

    List<Token> tokens(String userId);

    boolean revokeToken(String userId, String tokenId, Instant now);

    /** Adds a key; false when a key with its fingerprint is already registered (on any user). */
    boolean insertKey(SshKey key);

    List<SshKey> keys(String userId);

    boolean deleteKey(String userId, String keyId);

    Optional<SshKey> keyByFingerprint(String fingerprint);

    void audit(AuditEntry entry);

    List<AuditEntry> audit(Instant since, String userId, int limit);
}
