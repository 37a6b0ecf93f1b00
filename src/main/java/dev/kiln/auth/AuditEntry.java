package dev.kiln.auth;

import java.time.Instant;

/** One recorded write: who did what to which target, and how it ended (the HTTP status). */
public record AuditEntry(long id, Instant at, String userId, String userName, String action, String target, int status, String detail) {}
