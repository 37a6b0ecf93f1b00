package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.server.Kiln;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Kiln that requires tokens (bound to 0.0.0.0), with alice a member of team-a and bob a member of nothing but
 * the default workspace, and a running Authoring workload in team-a: what the shell tests need.
 */
final class ShellFixture {
    final Kiln kiln;
    final String adminToken;
    final String aliceToken;
    final String bobToken;
    final String aliceId;
    final ApiClient admin;
    final ApiClient alice;

    ShellFixture(Kiln kiln, Path dataDir) {
        this.kiln = kiln;
        try {
            adminToken = Files.readString(dataDir.resolve("admin.token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        admin = new ApiClient(url(), adminToken);
        aliceId = addUser("alice", List.of("team-a"));
        aliceToken = token(aliceId);
        bobToken = token(addUser("bob", List.of()));
        alice = new ApiClient(url(), aliceToken);
    }

    /** The API on loopback (the server listens on every address). */
    String url() {
        return "http://127.0.0.1:" + kiln.port();
    }

    private String addUser(String name, List<String> workspaces) {
        ApiClient.Response r = admin.post("/api/v1/users", Map.of("userName", name, "role", "user", "workspaces", workspaces));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("userId").asText();
    }

    private String token(String userId) {
        ApiClient.Response r = admin.post("/api/v1/users/" + userId + "/tokens", Map.of("name", "test"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("token").asText();
    }

    /** Creates a workload as alice in team-a and waits until it is Running; returns its detail. */
    JsonNode runningAuthoring(String name) {
        String id = alice.create(CreateBody.authoring(name).workspace("team-a")
                .set("entryPoint", CreateBody.base64("sleep infinity")).build());
        return awaitPhase(id, "Running");
    }

    JsonNode awaitPhase(String id, String phase) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode w = alice.getWorkload(id);
        while (!w.path("phase").asText().equals(phase) || w.path("pods").isEmpty()
                || (phase.equals("Running") && !w.path("pods").get(0).path("phase").asText().equals("Running"))) {
            assertThat(System.nanoTime()).as("workload %s did not become %s: %s", id, phase, w).isLessThan(deadline);
            pause(100);
            w = alice.getWorkload(id);
        }
        return w;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
