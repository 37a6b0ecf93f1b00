package dev.kiln.auth;

import dev.kiln.TestingClock;
import static dev.kiln.auth.KilnHarness.MEMBER;
import static dev.kiln.auth.KilnHarness.OUTSIDER;
import static dev.kiln.auth.KilnHarness.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route × every kind of caller, from one table. A route the server documents but the table does not list
 * fails the test, so a new route cannot be added without deciding who may call it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {
    enum Who { ADMIN, OWNER, MEMBER, NON_MEMBER, NO_TOKEN, REVOKED, EXPIRED }

    /** What one cell sends. */
    record Req(String path, Object body) {}

    /** One row: a documented route, how to call it, and the expected outcome per caller ("404:PodNotFound" checks the code too). */
    record Row(String route, Function<AuthorizationMatrixTest, Req> request, Map<Who, String> expected) {}

    @TempDir
    static Path dir;

    private final TestingClock clock = new TestingClock(Instant.parse("2030-01-01T00:00:00Z"));
    private KilnHarness kiln;
    private final Map<Who, String> tokens = new EnumMap<>(Who.class);
    private String workload;
    private String victim;
    private int counter;

    private static final String W = "/api/v1/workloads";

    /** THE table. */
    private static List<Row> table() {
        List<Row> rows = new ArrayList<>();
        // workloads: members read, owner/admin write, non-members learn nothing (404)
        rows.add(new Row("POST " + W, t -> new Req(W, KilnHarness.workload("made", "team-a")), users("200", "200", "200", "403")));
        rows.add(new Row("GET " + W, t -> new Req(W, null), users("200", "200", "200", "200")));
        rows.add(new Row("GET " + W + "/{workloadId}", t -> new Req(W + "/" + t.workload, null),
                users("200", "200", "200", "404:WorkloadNotFound")));
        rows.add(new Row("PATCH " + W + "/{workloadId}", t -> new Req(W + "/" + t.workload, Map.of("description", "patched")),
                users("200", "200", "403", "404:WorkloadNotFound")));
        rows.add(new Row("DELETE " + W + "/{workloadId}", t -> new Req(W + "/" + t.freshWorkload(), null),
                users("200", "200", "403", "404:WorkloadNotFound")));
        rows.add(new Row("POST " + W + "/{workloadId}/stop", t -> new Req(W + "/" + t.freshWorkload() + "/stop", null),
                users("200", "200", "403", "404:WorkloadNotFound")));
        // batches: 200 when all succeed, else 207 with each item's status; the cell is the item's status
        rows.add(new Row("POST " + W + "/delete", t -> new Req(W + "/delete", Map.of("workloadIds", List.of(t.freshWorkload()))),
                users("200", "200", "403", "404:WorkloadNotFound")));
        rows.add(new Row("POST " + W + "/stop", t -> new Req(W + "/stop", Map.of("workloadIds", List.of(t.freshWorkload()))),
                users("200", "200", "403", "404:WorkloadNotFound")));
        rows.add(new Row("POST " + W + "/clone", t -> new Req(W + "/clone", Map.of("workloadIds", List.of(t.workload))),
                users("200", "200", "403", "404:WorkloadNotFound")));
        // nothing ever runs (the quota is 1m cpu), so an allowed caller gets PodNotFound: access granted, no pod
        rows.add(new Row("GET " + W + "/{workloadId}/pods/{podId}/logs", t -> new Req(W + "/" + t.workload + "/pods/" + t.workload + "-master-0/logs", null),
                users("404:PodNotFound", "404:PodNotFound", "404:PodNotFound", "404:WorkloadNotFound")));
        rows.add(new Row("GET " + W + "/{workloadId}/pods/{podId}/containers", t -> new Req(W + "/" + t.workload + "/pods/" + t.workload + "-master-0/containers", null),
                users("404:PodNotFound", "404:PodNotFound", "404:PodNotFound", "404:WorkloadNotFound")));
        // a workload's service: as get (this workload has none, which only a caller who may see it learns)
        rows.add(new Row("GET " + W + "/{workloadId}/service", t -> new Req(W + "/" + t.workload + "/service", null),
                users("404:NotFound", "404:NotFound", "404:NotFound", "404:WorkloadNotFound")));
        // the web shell: an upgrade request; a refused upgrade carries no body, so only the status is compared here
        // (the workload never runs, so no one gets a shell; WebShellTest shows a member gets one and others do not)
        rows.add(new Row("GET " + W + "/{workloadId}/pods/{podId}/webshell", t -> new Req(W + "/" + t.workload + "/pods/" + t.workload + "-master-0/webshell", null),
                users("404", "404", "404", "404")));
        // cluster views and metrics: any authenticated caller
        rows.add(new Row("GET /api/v1/workspaces", t -> new Req("/api/v1/workspaces", null), users("200", "200", "200", "200")));
        rows.add(new Row("GET /api/v1/nodes", t -> new Req("/api/v1/nodes", null), users("200", "200", "200", "200")));
        rows.add(new Row("GET /metrics", t -> new Req("/metrics", null), users("200", "200", "200", "200")));
        // users, tokens, audit: admins only
        rows.add(new Row("POST /api/v1/users", t -> new Req("/api/v1/users", Map.of("userName", "u" + (++t.counter))), adminOnly()));
        rows.add(new Row("GET /api/v1/users", t -> new Req("/api/v1/users", null), adminOnly()));
        rows.add(new Row("GET /api/v1/users/{userId}", t -> new Req("/api/v1/users/" + t.victim, null), adminOnly()));
        rows.add(new Row("DELETE /api/v1/users/{userId}", t -> new Req("/api/v1/users/" + t.freshUser(), null), adminOnly()));
        rows.add(new Row("POST /api/v1/users/{userId}/tokens", t -> new Req("/api/v1/users/" + t.victim + "/tokens", Map.of()), adminOnly()));
        rows.add(new Row("GET /api/v1/users/{userId}/tokens", t -> new Req("/api/v1/users/" + t.victim + "/tokens", null), adminOnly()));
        rows.add(new Row("DELETE /api/v1/users/{userId}/tokens/{tokenId}", t -> new Req("/api/v1/users/" + t.victim + "/tokens/" + t.freshToken(), null),
                adminOnly()));
        // SSH keys: admins, or the user itself (the victim is none of the callers); a bogus key or id proves access
        rows.add(new Row("POST /api/v1/users/{userId}/keys", t -> new Req("/api/v1/users/" + t.victim + "/keys", Map.of("publicKey", "not a key")),
                users("400", "403", "403", "403")));
        rows.add(new Row("GET /api/v1/users/{userId}/keys", t -> new Req("/api/v1/users/" + t.victim + "/keys", null), adminOnly()));
        rows.add(new Row("DELETE /api/v1/users/{userId}/keys/{keyId}", t -> new Req("/api/v1/users/" + t.victim + "/keys/0000000000000000", null),
                users("404:KeyNotFound", "403", "403", "403")));
        rows.add(new Row("GET /api/v1/audit", t -> new Req("/api/v1/audit", null), adminOnly()));
        // public
        rows.add(new Row("GET /healthz", t -> new Req("/healthz", null), everyone("200")));
        rows.add(new Row("GET /openapi.json", t -> new Req("/openapi.json", null), everyone("200")));
        return rows;
    }

    /** A non-PUBLIC route: the four authenticated callers as given; no, revoked and expired tokens → 401. */
    private static Map<Who, String> users(String admin, String owner, String member, String nonMember) {
        Map<Who, String> m = new EnumMap<>(Who.class);
        m.put(Who.ADMIN, admin);
        m.put(Who.OWNER, owner);
        m.put(Who.MEMBER, member);
        m.put(Who.NON_MEMBER, nonMember);
        m.put(Who.NO_TOKEN, "401");
        m.put(Who.REVOKED, "401");
        m.put(Who.EXPIRED, "401");
        return m;
    }

    private static Map<Who, String> adminOnly() {
        return users("200", "403", "403", "403");
    }

    private static Map<Who, String> everyone(String status) {
        Map<Who, String> m = new EnumMap<>(Who.class);
        for (Who w : Who.values()) {
            m.put(w, status);
        }
        return m;
    }

    @BeforeAll
    void start() {
        kiln = KilnHarness.remote(dir, clock);
        String admin = kiln.adminToken();
        tokens.put(Who.ADMIN, admin);
        tokens.put(Who.OWNER, (String) kiln.issue(admin, kiln.addUser(admin, OWNER, "user"), null).get("token"));
        tokens.put(Who.MEMBER, (String) kiln.issue(admin, kiln.addUser(admin, MEMBER, "user"), null).get("token"));
        tokens.put(Who.NON_MEMBER, (String) kiln.issue(admin, kiln.addUser(admin, OUTSIDER, "user"), null).get("token"));
        // the revoked and expired tokens belong to an admin: their role must not matter once they are invalid
        String boss = kiln.addUser(admin, "boss", "admin");
        Map<String, Object> revoked = kiln.issue(admin, boss, null);
        Map<String, Object> expiring = kiln.issue(admin, boss, 60L);
        tokens.put(Who.REVOKED, (String) revoked.get("token"));
        tokens.put(Who.EXPIRED, (String) expiring.get("token"));
        // both work first (and sit in the lookup cache), then stop working
        kiln.ok("GET", "/api/v1/users", tokens.get(Who.REVOKED), null);
        kiln.ok("GET", "/api/v1/users", tokens.get(Who.EXPIRED), null);
        kiln.ok("DELETE", "/api/v1/users/" + boss + "/tokens/" + revoked.get("tokenId"), admin, null);
        clock.advance(Duration.ofSeconds(61));
        tokens.put(Who.NO_TOKEN, null);

        workload = kiln.create(tokens.get(Who.OWNER), "team-job", "team-a");
        victim = kiln.addUser(admin, "victim", "user");
    }

    @AfterAll
    void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    private String freshWorkload() {
        return kiln.create(tokens.get(Who.OWNER), "job" + (++counter), "team-a");
    }

    private String freshUser() {
        return kiln.addUser(tokens.get(Who.ADMIN), "gone" + (++counter), "user");
    }

    private String freshToken() {
        return (String) kiln.issue(tokens.get(Who.ADMIN), victim, null).get("tokenId");
    }

    @Test
    void tableListsEveryDocumentedRoute() {
        List<String> listed = table().stream().map(Row::route).toList();
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(listed))
                .as("the matrix table must list exactly the documented routes; add a row for each new route")
                .isEqualTo(new TreeSet<>(kiln.kiln.api().documentedRoutes()));
        assertThat(new TreeSet<>(kiln.kiln.api().registeredRoutes())).isEqualTo(new TreeSet<>(listed));
    }

    @Test
    void everyRouteForEveryCaller() {
        Map<String, String> wrong = new LinkedHashMap<>();
        for (Row row : table()) {
            String method = row.route().substring(0, row.route().indexOf(' '));
            for (Who who : Who.values()) {
                Req req = row.request().apply(this);
                KilnHarness.Response r = req.path().endsWith("/webshell")
                        ? upgrade(req.path(), tokens.get(who))
                        : kiln.call(method, req.path(), tokens.get(who), req.body());
                String actual = outcome(r);
                String expected = row.expected().get(who);
                if (!actual.equals(expected)) {
                    wrong.put(row.route() + " as " + who, "expected " + expected + ", got " + actual + " " + r.body());
                }
            }
        }
        assertThat(wrong).as("cells that differ from the table").isEmpty();
    }

    /**
     * A WebSocket upgrade request, sent by hand: the JDK's client hides the refusal's body, which the table needs
     * to tell a 404 for an unseen workload from one for a missing pod.
     */
    private KilnHarness.Response upgrade(String path, String token) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", kiln.kiln.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + kiln.kiln.port() + "\r\n"
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            int status = Integer.parseInt(in.readLine().split(" ")[1]);
            int length = 0;
            boolean chunked = false;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            StringBuilder body = new StringBuilder();
            if (chunked) {
                for (int size = Integer.parseInt(in.readLine().trim(), 16); size > 0; size = Integer.parseInt(in.readLine().trim(), 16)) {
                    char[] chunk = new char[size];
                    int read = 0;
                    while (read < size) {
                        read += in.read(chunk, read, size - read);
                    }
                    body.append(chunk);
                    in.readLine();
                }
            } else {
                char[] chunk = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(chunk, read, length - read);
                }
                body.append(chunk);
            }
            return new KilnHarness.Response(status, body.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The status, with the error code for a 404; a 207 batch is its single item's status. */
    @SuppressWarnings("unchecked")
    private static String outcome(KilnHarness.Response r) {
        if (r.status() == 207) {
            List<Map<String, Object>> results = (List<Map<String, Object>>) r.json().get("results");
            Map<String, Object> item = results.getFirst();
            int status = ((Number) item.get("status")).intValue();
            return status == 404 ? "404:" + item.get("errorCode") : Integer.toString(status);
        }
        return r.status() == 404 && !r.body().isEmpty() ? "404:" + r.errorCode() : Integer.toString(r.status());
    }

    @Test
    @SuppressWarnings("unchecked")
    void listShowsOnlyTheCallersWorkspaces() {
        String elsewhere = kiln.create(tokens.get(Who.NON_MEMBER), "own-job", "default");
        for (Who who : List.of(Who.ADMIN, Who.OWNER, Who.MEMBER, Who.NON_MEMBER)) {
            List<Map<String, Object>> items = (List<Map<String, Object>>) kiln.ok("GET", W + "?limit=1000", tokens.get(who), null)
                    .json().get("items");
            List<Object> ids = items.stream().map(i -> i.get("workloadId")).toList();
            assertThat(ids).as(who + " sees its own default-workspace workloads").contains(elsewhere);
            if (who == Who.NON_MEMBER) {
                assertThat(ids).as("a non-member does not see team-a workloads").doesNotContain(workload);
                assertThat(items).allSatisfy(i -> assertThat(i.get("workspaceId")).isEqualTo("default"));
            } else {
                assertThat(ids).as(who + " sees the team-a workload").contains(workload);
            }
        }
        KilnHarness.Response denied = kiln.call("GET", W + "?workspaceId=team-a", tokens.get(Who.NON_MEMBER), null);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().get("errorMessage").toString()).contains("team-a");
        List<Map<String, Object>> teamA = (List<Map<String, Object>>) kiln.ok("GET", W + "?workspaceId=team-a", tokens.get(Who.MEMBER), null)
                .json().get("items");
        assertThat(teamA).extracting(i -> i.get("workloadId")).contains(workload);
    }
}
