package dev.kiln.api;

import static java.util.Objects.requireNonNull;

import dev.kiln.auth.AuditEntry;
import dev.kiln.auth.Caller;
import dev.kiln.auth.SshKey;
import dev.kiln.auth.Token;
import dev.kiln.auth.User;
import dev.kiln.auth.UserDirectory;
import dev.kiln.auth.UserService;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Times;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** Users, tokens, SSH keys and the audit log: admins only, except that users manage their own SSH keys. */
final class UserRoutes {
    private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,63}");
    private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{16}");

    private final UserService users;
    private final UserDirectory directory;
    private final long maxBodyBytes;

    UserRoutes(UserService users, UserDirectory directory, long maxBodyBytes) {
        this.users = requireNonNull(users, "users is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.maxBodyBytes = maxBodyBytes;
    }

    record UserView(String userId, String userName, String role, List<String> workspaces, String creationTime) {}

    record UsersResponse(List<UserView> items) {}

    record TokenView(String tokenId, String name, String creationTime, String expiresAt, String revokedAt) {}

    record TokensResponse(List<TokenView> items) {}

    record AuditView(long id, String time, String userId, String userName, String action, String target, int status, String detail) {}

    record AuditResponse(List<AuditView> items) {}

    List<Route> routes() {
        var admin = Route.Access.ADMIN;
        return List.of(
                new Route(HandlerType.POST, "/api/v1/users", "Add a user", UserService.NewUser.class, UserView.class, List.of(), this::add, admin),
                new Route(HandlerType.GET, "/api/v1/users", "List users", null, UsersResponse.class, List.of(), this::list, admin),
                new Route(HandlerType.GET, "/api/v1/users/{userId}", "Get a user", null, UserView.class, List.of(), this::get, admin),
                new Route(HandlerType.DELETE, "/api/v1/users/{userId}", "Delete a user and revoke its tokens", null, null, List.of(), this::delete, admin),
                new Route(HandlerType.POST, "/api/v1/users/{userId}/tokens", "Issue a token (shown once)", UserService.NewToken.class,
                        UserService.IssuedToken.class, List.of(), this::issue, admin),
                new Route(HandlerType.GET, "/api/v1/users/{userId}/tokens", "List a user's tokens (no secrets)", null, TokensResponse.class,
                        List.of(), this::tokens, admin),
                new Route(HandlerType.DELETE, "/api/v1/users/{userId}/tokens/{tokenId}", "Revoke a token", null, null, List.of(), this::revoke, admin),
                new Route(HandlerType.POST, "/api/v1/users/{userId}/keys", "Register an SSH public key (admins, or the user itself)",
                        UserService.NewKey.class, KeyView.class, List.of(), this::addKey),
                new Route(HandlerType.GET, "/api/v1/users/{userId}/keys", "List a user's SSH keys (admins, or the user itself)", null,
                        KeysResponse.class, List.of(), this::keys),
                new Route(HandlerType.DELETE, "/api/v1/users/{userId}/keys/{keyId}", "Remove an SSH key (admins, or the user itself)",
                        null, null, List.of(), this::deleteKey),
                new Route(HandlerType.GET, "/api/v1/audit", "Read the audit log, newest first", null, AuditResponse.class, List.of(
                        new Route.Param("since", "string", "Entries at or after this time"),
                        new Route.Param("userId", "string", "Only this user's entries"),
                        new Route.Param("limit", "integer", "At most this many, 1-1000, default 100")), this::audit, admin));
    }

    private void add(Context ctx) {
        User user = users.addUser(Requests.body(ctx, UserService.NewUser.class, maxBodyBytes));
        Callers.auditTarget(ctx, user.id());
        Http.json(ctx, view(user));
    }

    private void list(Context ctx) {
        Http.json(ctx, new UsersResponse(users.users().stream().map(UserRoutes::view).toList()));
    }

    private void get(Context ctx) {
        Http.json(ctx, view(users.user(userId(ctx))));
    }

    private void delete(Context ctx) {
        users.deleteUser(userId(ctx));
        ctx.status(200);
    }

    private void issue(Context ctx) {
        String userId = userId(ctx);
        UserService.NewToken request = Requests.optionalBody(ctx, UserService.NewToken.class, maxBodyBytes)
                .orElse(new UserService.NewToken(null, null));
        UserService.IssuedToken token = users.issueToken(userId, request);
        Callers.auditTarget(ctx, userId + "/tokens/" + token.tokenId());
        Http.json(ctx, token);
    }

    private void tokens(Context ctx) {
        Http.json(ctx, new TokensResponse(users.tokens(userId(ctx)).stream().map(UserRoutes::view).toList()));
    }

    private void revoke(Context ctx) {
        String tokenId = ctx.pathParam("tokenId");
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw new KilnException.Invalid("tokenId", "'" + tokenId + "' is not a token id (16 hex digits)");
        }
        users.revokeToken(userId(ctx), tokenId);
        ctx.status(200);
    }

    record KeyView(String keyId, String name, String type, String fingerprint, String publicKey, String creationTime) {}

    record KeysResponse(List<KeyView> items) {}

    /** Keys are the one user resource a user manages itself; everything else here is for admins. */
    private static String selfOrAdmin(Context ctx) {
        String userId = userId(ctx);
        Caller caller = Callers.of(ctx);
        if (!caller.admin() && !caller.userId().equals(userId)) {
            throw new KilnException.Forbidden(caller.userName() + " may not " + ctx.method().name() + " the SSH keys of "
                    + userId + ": admins or the user itself only");
        }
        return userId;
    }

    private void addKey(Context ctx) {
        String userId = selfOrAdmin(ctx);
        SshKey key = users.addKey(userId, Requests.body(ctx, UserService.NewKey.class, maxBodyBytes));
        Callers.auditTarget(ctx, userId + "/keys/" + key.id());
        Http.json(ctx, view(key));
    }

    private void keys(Context ctx) {
        Http.json(ctx, new KeysResponse(users.keys(selfOrAdmin(ctx)).stream().map(UserRoutes::view).toList()));
    }

    private void deleteKey(Context ctx) {
        String userId = selfOrAdmin(ctx);
        String keyId = ctx.pathParam("keyId");
        if (!TOKEN_ID.matcher(keyId).matches()) {
            throw new KilnException.Invalid("keyId", "'" + keyId + "' is not a key id (16 hex digits)");
        }
        users.deleteKey(userId, keyId);
        ctx.status(200);
    }

    private static KeyView view(SshKey k) {
        return new KeyView(k.id(), k.name(), k.type(), k.fingerprint(), k.type() + " " + k.publicKey(), Times.format(k.createdAt()));
    }

    private void audit(Context ctx) {
        Instant since = Requests.parsedQuery(ctx, "since", Times::parse, "a time like 2006-01-02T15:04:05Z");
        String userId = Requests.query(ctx, "userId");
        int limit = Requests.intQuery(ctx, "limit", 100, 1, 1000);
        List<AuditEntry> entries = directory.audit(since, userId, limit);
        Http.json(ctx, new AuditResponse(entries.stream()
                .map(e -> new AuditView(e.id(), Times.format(e.at()), e.userId(), e.userName(), e.action(), e.target(), e.status(), e.detail()))
                .toList()));
    }

    private static String userId(Context ctx) {
        String id = ctx.pathParam("userId");
        if (!ID.matcher(id).matches()) {
            throw new KilnException.Invalid("userId", "'" + id + "' is not a user id ([a-z0-9-]{1,63})");
        }
        return id;
    }

    private static UserView view(User u) {
        return new UserView(u.id(), u.name(), u.role().name(), u.workspaces().stream().sorted().toList(), Times.format(u.createdAt()));
    }

    private static TokenView view(Token t) {
        return new TokenView(t.id(), t.name(), Times.format(t.createdAt()), Times.format(t.expiresAt()), Times.format(t.revokedAt()));
    }
}
