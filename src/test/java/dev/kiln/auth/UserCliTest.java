package dev.kiln.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.server.Main;
import dev.kiln.workload.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kiln user ...} on the data dir while the server is stopped, and over HTTP against a running one. */
class UserCliTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return Json.read(out.strip(), Map.class);
        }

        List<String> lines() {
            return out.strip().lines().toList();
        }
    }

    private static synchronized Run kiln(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void onTheDataDirWhileStoppedThenOverHttp() {
        String data = dir.toString();
        // server stopped: straight on the database
        Run add = kiln("user", "--data-dir", data, "add", "bob");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.json()).containsEntry("userId", "bob").containsEntry("userName", "bob").containsEntry("role", "user");
        assertThat(kiln("user", "--data-dir", data, "add", "bob").exit()).as("a second bob").isEqualTo(1);
        Run list = kiln("user", "--data-dir", data, "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("\"userName\":\"bob\"");
        Run kept = kiln("user", "--data-dir", data, "token", "bob", "--name", "laptop", "--expires-in", "30d");
        assertThat(kept.exit()).as(kept.err()).isZero();
        String bobToken = (String) kept.json().get("token");
        assertThat(bobToken).startsWith("kiln_");
        assertThat((String) kept.json().get("expiresAt")).isNotEmpty();
        Run dropped = kiln("user", "--data-dir", data, "token", "bob");
        String droppedToken = (String) dropped.json().get("token");
        Run revoke = kiln("user", "--data-dir", data, "revoke", "bob", (String) dropped.json().get("tokenId"));
        assertThat(revoke.exit()).as(revoke.err()).isZero();
        assertThat(kiln("user", "--data-dir", data, "revoke", "bob", (String) dropped.json().get("tokenId")).exit())
                .as("already revoked").isEqualTo(1);

        try (KilnHarness server = KilnHarness.remote(dir, Clock.systemUTC())) {
            // what the CLI did offline holds once the server runs
            server.ok("GET", "/api/v1/workloads", bobToken, null);
            assertThat(server.call("GET", "/api/v1/workloads", droppedToken, null).status()).isEqualTo(401);
            String created = server.create(bobToken, "bobs-job", "default");
            assertThat(server.ok("GET", "/api/v1/workloads/" + created, bobToken, null).json().get("userName")).isEqualTo("bob");

            // over HTTP with the admin token
            String url = server.base;
            String admin = server.adminToken();
            Run remoteAdd = kiln("user", "--server", url, "--token", admin, "add", "dave", "--workspace", "team-a");
            assertThat(remoteAdd.exit()).as(remoteAdd.err()).isZero();
            assertThat(remoteAdd.json()).containsEntry("userId", "dave").containsEntry("workspaces", List.of("team-a"));
            Run remoteList = kiln("user", "--server", url, "--token", admin, "list");
            assertThat(remoteList.exit()).isZero();
            assertThat(remoteList.lines()).anyMatch(l -> l.contains("\"userName\":\"dave\"")).anyMatch(l -> l.contains("\"userName\":\"bob\""));
            Run daveToken = kiln("user", "--server", url, "--token", admin, "token", "dave", "--expires-in", "1h");
            assertThat(daveToken.exit()).as(daveToken.err()).isZero();
            String dave = (String) daveToken.json().get("token");
            // the issued token works against the API, with the granted membership
            server.ok("GET", "/api/v1/workloads?workspaceId=team-a", dave, null);
            server.create(dave, "daves-job", "team-a");
            Run daveRevoke = kiln("user", "--server", url, "--token", admin, "revoke", "dave", (String) daveToken.json().get("tokenId"));
            assertThat(daveRevoke.exit()).as(daveRevoke.err()).isZero();
            assertThat(server.call("GET", "/api/v1/workloads", dave, null).status()).isEqualTo(401);

            // a non-admin or bad token is refused, and says so
            Run notAdmin = kiln("user", "--server", url, "--token", bobToken, "list");
            assertThat(notAdmin.exit()).isEqualTo(1);
            assertThat(notAdmin.err()).contains("403");
            Run bad = kiln("user", "--server", url, "--token", "kiln_nope", "add", "eve");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("401");
        }
    }
}
