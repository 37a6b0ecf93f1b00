package dev.kiln.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Priority 2 needs an admin, on create and on patch; priority 3 is a 400 for everyone and is never stored. */
class PriorityRuleTest {
    @TempDir
    Path dir;

    @Test
    void priorityTwoNeedsAdminAndThreeIsInvalidForEveryone() {
        try (KilnHarness kiln = KilnHarness.remote(dir, Clock.systemUTC())) {
            String admin = kiln.adminToken();
            String user = (String) kiln.issue(admin, kiln.addUser(admin, KilnHarness.OWNER, "user"), null).get("token");
            String w = "/api/v1/workloads";

            // create
            assertThat(kiln.call("POST", w, user, KilnHarness.workload("p2", "team-a", 2)).status()).isEqualTo(403);
            assertThat(kiln.call("POST", w, user, KilnHarness.workload("p3", "team-a", 3)).status()).isEqualTo(400);
            assertThat(kiln.call("POST", w, admin, KilnHarness.workload("p3", "team-a", 3)).status()).isEqualTo(400);
            assertThat(kiln.call("POST", w, user, KilnHarness.workload("p1", "team-a", 1)).status()).isEqualTo(200);
            String adminP2 = (String) kiln.ok("POST", w, admin, KilnHarness.workload("p2", "team-a", 2)).json().get("workloadId");
            assertThat(kiln.ok("GET", w + "/" + adminP2, admin, null).json().get("priority")).isEqualTo(2);

            // patch, on the user's own workload
            String own = kiln.create(user, "mine", "team-a");
            assertThat(kiln.call("PATCH", w + "/" + own, user, Map.of("priority", 2)).status()).isEqualTo(403);
            KilnHarness.Response userP3 = kiln.call("PATCH", w + "/" + own, user, Map.of("priority", 3));
            assertThat(userP3.status()).as(userP3.body()).isEqualTo(400);
            KilnHarness.Response adminP3 = kiln.call("PATCH", w + "/" + own, admin, Map.of("priority", 3));
            assertThat(adminP3.status()).as(adminP3.body()).isEqualTo(400);
            assertThat(kiln.call("PATCH", w + "/" + own, user, Map.of("priority", -1)).status()).isEqualTo(400);
            assertThat(kiln.ok("GET", w + "/" + own, user, null).json().get("priority")).as("nothing was stored").isEqualTo(0);

            kiln.ok("PATCH", w + "/" + own, user, Map.of("priority", 1));
            assertThat(kiln.ok("GET", w + "/" + own, user, null).json().get("priority")).isEqualTo(1);
            kiln.ok("PATCH", w + "/" + own, admin, Map.of("priority", 2));
            assertThat(kiln.ok("GET", w + "/" + own, user, null).json().get("priority")).isEqualTo(2);
            // the owner may lower it again, not raise it: 0–1 is theirs
            kiln.ok("PATCH", w + "/" + own, user, Map.of("priority", 0));
            assertThat(kiln.ok("GET", w + "/" + own, user, null).json().get("priority")).isEqualTo(0);
        }
    }
}
