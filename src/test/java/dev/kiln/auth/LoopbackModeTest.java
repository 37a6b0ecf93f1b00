package dev.kiln.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bound to loopback (the default), a request without a token acts as the local admin, the OS user. */
class LoopbackModeTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void noTokenActsAsTheOsUser() {
        try (KilnHarness kiln = KilnHarness.loopback(dir, Clock.systemUTC())) {
            String osUser = System.getProperty("user.name");
            String id = (String) kiln.ok("POST", "/api/v1/workloads", null, KilnHarness.workload("local", "team-a")).json().get("workloadId");
            List<Map<String, Object>> items = (List<Map<String, Object>>) kiln.ok("GET", "/api/v1/workloads", null, null).json().get("items");
            assertThat(items).extracting(i -> i.get("workloadId")).containsExactly(id);
            assertThat(items.getFirst().get("userName")).isEqualTo(osUser);
            assertThat(kiln.ok("GET", "/api/v1/workloads/" + id, null, null).json().get("userName")).isEqualTo(osUser);
            // the local user is an admin
            kiln.ok("GET", "/api/v1/users", null, null);
            assertThat(Files.exists(dir.resolve("admin.token"))).as("no admin.token on loopback").isFalse();
            // a token that is presented must still be valid
            assertThat(kiln.call("GET", "/api/v1/workloads", "kiln_not-a-token", null).status()).isEqualTo(401);
        }
    }

    @Test
    void theLocalUserIsAdminEvenWhenAddedEarlierAsAPlainUser() {
        String osUser = System.getProperty("user.name");
        int exit = new picocli.CommandLine(new dev.kiln.server.Main())
                .execute("user", "--data-dir", dir.toString(), "add", osUser, "--role", "user");
        assertThat(exit).isZero();
        try (KilnHarness kiln = KilnHarness.loopback(dir, Clock.systemUTC())) {
            KilnHarness.Response users = kiln.call("GET", "/api/v1/users", null, null);
            assertThat(users.status()).as(users.body()).isEqualTo(200);
        }
    }
}
