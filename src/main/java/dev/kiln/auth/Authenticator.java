package dev.kiln.auth;

import static java.util.Objects.requireNonNull;

import dev.kiln.workload.KilnException;
import dev.kiln.workload.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Turns an Authorization header into a {@link Caller}. Bound to loopback, a request without a header acts as the
 * local admin (the OS user); otherwise a valid token is always required. A presented token must be valid in
 * either mode. Token lookups are cached briefly; revocation through this process clears the cache at once.
 */
public final class Authenticator {
    private static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private final UserDirectory directory;
    private final Clock clock;
    private final Caller anonymous;
    private final List<Workspace> workspaces;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Caller caller, Instant tokenExpires, Instant cachedAt) {}

    /** @param anonymous the caller for requests without a token, or null when a token is always required */
    public Authenticator(UserDirectory directory, Clock clock, Caller anonymous, List<Workspace> workspaces) {
        this.directory = requireNonNull(directory, "directory is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.anonymous = anonymous;
        this.workspaces = List.copyOf(workspaces);
    }

    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            if (anonymous != null) {
                return anonymous;
            }
            throw new KilnException.Unauthorized("a bearer token is required (Authorization: Bearer <token>)");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new KilnException.Unauthorized("Authorization must be 'Bearer <token>'");
        }
        String secret = authorization.substring(7).trim();
        String hash = Tokens.hash(secret);
        Instant now = clock.instant();
        Cached cached = cache.get(hash);
        if (cached != null && now.isBefore(cached.cachedAt().plus(CACHE_TTL))
                && (cached.tokenExpires() == null || now.isBefore(cached.tokenExpires()))) {
            return cached.caller();
        }
        Token token = directory.tokenByHash(hash)
                .filter(t -> t.isValidAt(now))
                .orElseThrow(() -> new KilnException.Unauthorized("the token is unknown, revoked or expired"));
        User user = directory.user(token.userId())
                .orElseThrow(() -> new KilnException.Unauthorized("the token's user no longer exists"));
        Caller caller = callerOf(user);
        cache.put(hash, new Cached(caller, token.expiresAt(), now));
        return caller;
    }

    /** Verifies a token without the cache (SSH password logins); empty when it is not valid. */
    public Optional<Caller> verify(String secret) {
        Instant now = clock.instant();
        return directory.tokenByHash(Tokens.hash(secret))
                .filter(t -> t.isValidAt(now))
                .flatMap(t -> directory.user(t.userId()))
                .map(this::callerOf);
    }

    /** The user whose SSH key has this fingerprint (SSH public-key logins); empty when none. */
    public Optional<Caller> verifyKey(String fingerprint) {
        return directory.keyByFingerprint(fingerprint)
                .flatMap(k -> directory.user(k.userId()))
                .map(this::callerOf);
    }

    public Caller callerOf(User user) {
        return new Caller(user.id(), user.name(), user.role() == User.Role.admin, memberships(user.name(), user.workspaces()));
    }

    /** Workspaces a user belongs to: everyone's (default), config members by name, and API-granted ones. */
    public Set<String> memberships(String userName, Set<String> granted) {
        return workspaces.stream()
                .filter(w -> w.everyone() || w.members().contains(userName) || granted.contains(w.id()))
                .map(Workspace::id)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Forget cached lookups, after a revocation or a user change. */
    public void invalidate() {
        cache.clear();
    }
}
