package dev.kiln.auth;

import static java.util.Objects.requireNonNull;

import dev.kiln.workload.FieldError;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.WorkloadIds;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Adding and removing users, issuing and revoking tokens. Admin only; the caller checks that. */
public final class UserService {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final long MAX_TOKEN_SECONDS = 10L * 365 * 24 * 3600;

    private final UserDirectory directory;
    private final Authenticator authenticator;
    private final Predicate<String> workspaceExists;
    private final Clock clock;

    public UserService(UserDirectory directory, Authenticator authenticator, Predicate<String> workspaceExists, Clock clock) {
        this.directory = requireNonNull(directory, "directory is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.workspaceExists = requireNonNull(workspaceExists, "workspaceExists is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public record NewUser(String userName, String role, List<String> workspaces) {}

    public record NewToken(String name, Long expiresInSeconds) {}

    /** A token as shown once at creation. */
    public record IssuedToken(String tokenId, String token, Instant expiresAt) {}

    public User addUser(NewUser request) {
        List<FieldError> errors = new ArrayList<>();
        String name = request.userName();
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new FieldError("userName", "userName '" + name + "' must be 1–64 of [A-Za-z0-9._-], starting with a letter or digit"));
        }
        String roleName = request.role() == null ? "user" : request.role();
        User.Role role = null;
        try {
            role = User.Role.valueOf(roleName);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("role", "role '" + roleName + "' is not one of admin, user"));
        }
        Set<String> workspaces = new LinkedHashSet<>();
        if (request.workspaces() != null) {
            for (int i = 0; i < request.workspaces().size(); i++) {
                String ws = request.workspaces().get(i);
                if (ws == null || !workspaceExists.test(ws)) {
                    errors.add(new FieldError("workspaces[" + i + "]", "workspace '" + ws + "' does not exist"));
                } else {
                    workspaces.add(ws);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new KilnException.Invalid(errors);
        }
        String id = WorkloadIds.normalise(name).orElseThrow();
        if (directory.userByName(name).isPresent() || directory.user(id).isPresent()) {
            throw new KilnException.Conflict("user " + name + " already exists");
        }
        User user = new User(id, name, role, workspaces, clock.instant());
        try {
            directory.insertUser(user);
        } catch (RuntimeException e) {
            throw new KilnException.Conflict("user " + name + " (id " + id + ") already exists");
        }
        return user;
    }

    /** Adds the user unless one of that name exists; returns it either way. */
    public User ensureUser(String name, User.Role role) {
        return directory.userByName(name).orElseGet(() -> addUser(new NewUser(name, role.name(), List.of())));
    }

    public List<User> users() {
        return directory.users();
    }

    public User user(String id) {
        return directory.user(id).orElseThrow(() -> new KilnException.NotFound("UserNotFound", "user " + id + " not found"));
    }

    public void deleteUser(String id) {
        if (!directory.deleteUser(id, clock.instant())) {
            throw new KilnException.NotFound("UserNotFound", "user " + id + " not found");
        }
        authenticator.invalidate();
    }

    public IssuedToken issueToken(String userId, NewToken request) {
        user(userId);
        String name = request == null || request.name() == null ? "" : request.name();
        if (name.length() > 128) {
            throw new KilnException.Invalid("name", "name is " + name.length() + " characters; at most 128");
        }
        Long seconds = request == null ? null : request.expiresInSeconds();
        if (seconds != null && (seconds < 1 || seconds > MAX_TOKEN_SECONDS)) {
            throw new KilnException.Invalid("expiresInSeconds", "expiresInSeconds " + seconds + " is out of range 1–" + MAX_TOKEN_SECONDS);
        }
        Instant now = clock.instant();
        Instant expires = seconds == null ? null : now.plusSeconds(seconds);
        String secret = Tokens.newSecret();
        Token token = new Token(Tokens.newId(), userId, name, Tokens.hash(secret), now, expires, null);
        directory.insertToken(token);
        return new IssuedToken(token.id(), secret, expires);
    }

    public List<Token> tokens(String userId) {
        user(userId);
        return directory.tokens(userId);
    }

    public record NewKey(String publicKey, String name) {}

    /** Registers an SSH public key on a user; 409 when the key is already registered (a key names one user). */
    public SshKey addKey(String userId, NewKey request) {
        user(userId);
        SshKey.Parsed parsed = SshKey.parse(request == null ? null : request.publicKey());
        String name = request.name() == null || request.name().isBlank() ? parsed.comment() : request.name();
        if (name.length() > 128) {
            throw new KilnException.Invalid("name", "name is " + name.length() + " characters; at most 128");
        }
        SshKey key = new SshKey(Tokens.newId(), userId, name, parsed.type(), parsed.blob(), parsed.fingerprint(), clock.instant());
        if (!directory.insertKey(key)) {
            throw new KilnException.Conflict("SSH key " + key.fingerprint() + " is already registered");
        }
        return key;
    }

    public List<SshKey> keys(String userId) {
        user(userId);
        return directory.keys(userId);
    }

    public void deleteKey(String userId, String keyId) {
        user(userId);
        if (!directory.deleteKey(userId, keyId)) {
            throw new KilnException.NotFound("KeyNotFound", "SSH key " + keyId + " of user " + userId + " not found");
        }
    }

    public void revokeToken(String userId, String tokenId) {
        user(userId);
        if (!directory.revokeToken(userId, tokenId, clock.instant())) {
            throw new KilnException.NotFound("TokenNotFound", "token " + tokenId + " of user " + userId + " not found or already revoked");
        }
        authenticator.invalidate();
    }
}
