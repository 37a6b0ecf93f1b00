package dev.kiln.server;

import dev.kiln.auth.Authenticator;
import dev.kiln.auth.User;
import dev.kiln.auth.UserService;
import dev.kiln.store.Database;
import dev.kiln.store.UserStore;
import dev.kiln.workload.Json;
import dev.kiln.workload.KilnException;
import dev.kiln.workload.Times;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln user add|list|delete|token|revoke}: against the data directory while the server is stopped, or over
 * HTTP with an admin token ({@code --server URL --token TOKEN}, or KILN_SERVER / KILN_TOKEN).
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users and their tokens.",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Delete.class,
                UserCommand.IssueToken.class, UserCommand.Revoke.class})
final class UserCommand {
    @Option(names = "--server", description = "Kiln URL, e.g. http://127.0.0.1:8080 (default: $KILN_SERVER; none = the data dir)")
    String server;

    @Option(names = "--token", description = "Admin token for --server (default: $KILN_TOKEN)")
    String token;

    /** Data-dir mode: the configuration and data directory of a stopped server. */
    @picocli.CommandLine.Mixin
    ConfigOptions options = new ConfigOptions();

    private String server() {
        return server != null ? server : System.getenv("KILN_SERVER");
    }

    /** One way of doing the user operations: directly on the database, or through the API. */
    interface Backend {
        Map<String, Object> add(String name, String role, List<String> workspaces) throws Exception;

        List<Map<String, Object>> list() throws Exception;

        void delete(String userId) throws Exception;

        Map<String, Object> issue(String userId, String name, Long expiresInSeconds) throws Exception;

        void revoke(String userId, String tokenId) throws Exception;
    }

    int run(BackendCall call) {
        try {
            String url = server();
            if (url != null && !url.isBlank()) {
                String t = token != null ? token : System.getenv("KILN_TOKEN");
                call.apply(new HttpBackend(url, t));
            } else {
                KilnConfig cfg = options.load(null, null);
                Files.createDirectories(Path.of(cfg.dataDir()));
                try (Database db = Database.open(cfg.databaseUrl(), cfg.database().user(), cfg.database().password())) {
                    call.apply(new DirectBackend(new UserStore(db), cfg));
                }
            }
            return 0;
        } catch (KilnException e) {
            System.err.println("kiln: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Database may be already in use") || message.contains("locked")) {
                message = "the data directory's database is in use — is the server running? Use --server URL --token TOKEN";
            }
            System.err.println("kiln: " + message);
            return 1;
        }
    }

    interface BackendCall {
        void apply(Backend backend) throws Exception;
    }

    private static void print(Object value) {
        System.out.println(Json.write(value));
    }

    @Command(name = "add", description = "Add a user.")
    static final class Add implements Callable<Integer> {
        @ParentCommand UserCommand parent;
        @Parameters(index = "0", description = "User name") String name;
        @Option(names = "--role", defaultValue = "user", description = "admin or user (default user)") String role;
        @Option(names = "--workspace", description = "Workspace membership (repeatable)") List<String> workspaces = new ArrayList<>();

        @Override
        public Integer call() {
            return parent.run(b -> print(b.add(name, role, workspaces)));
        }
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand UserCommand parent;

        @Override
        public Integer call() {
            return parent.run(b -> b.list().forEach(UserCommand::print));
        }
    }

    @Command(name = "delete", description = "Delete a user and revoke its tokens.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand UserCommand parent;
        @Parameters(index = "0", description = "User id") String userId;

        @Override
        public Integer call() {
            return parent.run(b -> b.delete(userId));
        }
    }

    @Command(name = "token", description = "Issue a token for a user; it is printed once and never again.")
    static final class IssueToken implements Callable<Integer> {
        @ParentCommand UserCommand parent;
        @Parameters(index = "0", description = "User id") String userId;
        @Option(names = "--name", description = "What the token is for") String name;
        @Option(names = "--expires-in", description = "Lifetime like 30d, 12h (default: no expiry)") String expiresIn;

        @Override
        public Integer call() {
            Long seconds = expiresIn == null ? null : KilnConfig.duration("--expires-in", expiresIn).getSeconds();
            return parent.run(b -> print(b.issue(userId, name, seconds)));
        }
    }

    @Command(name = "revoke", description = "Revoke a token.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand UserCommand parent;
        @Parameters(index = "0", description = "User id") String userId;
        @Parameters(index = "1", description = "Token id") String tokenId;

        @Override
        public Integer call() {
            return parent.run(b -> b.revoke(userId, tokenId));
        }
    }

    /** Straight on the database: for when the server is stopped (H2 allows one process at a time). */
    private static final class DirectBackend implements Backend {
        private final UserService users;

        DirectBackend(UserStore store, KilnConfig cfg) {
            Clock clock = Clock.systemUTC();
            List<String> workspaceIds = new ArrayList<>(cfg.workspaces().stream().map(KilnConfig.WorkspaceConfig::id).toList());
            workspaceIds.add("default");
            this.users = new UserService(store, new Authenticator(store, clock, null, List.of()), workspaceIds::contains, clock);
        }

        @Override
        public Map<String, Object> add(String name, String role, List<String> workspaces) {
            return view(users.addUser(new UserService.NewUser(name, role, workspaces)));
        }

        @Override
        public List<Map<String, Object>> list() {
            return users.users().stream().map(DirectBackend::view).toList();
        }

        @Override
        public void delete(String userId) {
            users.deleteUser(userId);
        }

        @Override
        public Map<String, Object> issue(String userId, String name, Long expiresInSeconds) {
            UserService.IssuedToken t = users.issueToken(userId, new UserService.NewToken(name, expiresInSeconds));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tokenId", t.tokenId());
            m.put("token", t.token());
            m.put("expiresAt", Times.format(t.expiresAt()));
            return m;
        }

        @Override
        public void revoke(String userId, String tokenId) {
            users.revokeToken(userId, tokenId);
        }

        private static Map<String, Object> view(User u) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("userId", u.id());
            m.put("userName", u.name());
            m.put("role", u.role().name());
            m.put("workspaces", u.workspaces().stream().sorted().toList());
            return m;
        }
    }

    /** Through the API, with an admin token. */
    private static final class HttpBackend implements Backend {
        private final HttpClient client = HttpClient.newHttpClient();
        private final String base;
        private final String token;

        HttpBackend(String base, String token) {
            this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
            this.token = token;
        }

        private String send(String method, String path, Object body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (token != null && !token.isBlank()) {
                b.header("Authorization", "Bearer " + token.trim());
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(method + " " + path + " → " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> map(String json) {
            return Json.read(json, Map.class);
        }

        @Override
        public Map<String, Object> add(String name, String role, List<String> workspaces) throws Exception {
            return map(send("POST", "/api/v1/users", new UserService.NewUser(name, role, workspaces)));
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list() throws Exception {
            return (List<Map<String, Object>>) map(send("GET", "/api/v1/users", null)).get("items");
        }

        @Override
        public void delete(String userId) throws Exception {
            send("DELETE", "/api/v1/users/" + userId, null);
        }

        @Override
        public Map<String, Object> issue(String userId, String name, Long expiresInSeconds) throws Exception {
            return map(send("POST", "/api/v1/users/" + userId + "/tokens", new UserService.NewToken(name, expiresInSeconds)));
        }

        @Override
        public void revoke(String userId, String tokenId) throws Exception {
            send("DELETE", "/api/v1/users/" + userId + "/tokens/" + tokenId, null);
        }
    }
}
