package dev.kiln.auth;

import java.time.Instant;

/** A bearer token's record; the secret itself is never stored, only {@code hash}. */
public record Token(String id, String userId, String name, String hash, Instant createdAt, Instant expiresAt, Instant revokedAt) {
    public boolean isValidAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
