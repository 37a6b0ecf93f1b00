package dev.kiln.auth;

import dev.kiln.TestingClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.workload.Times;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every write lands in GET /api/v1/audit with time, user, action, target and status; admins only; filters work. */
class AuditLogTest {
    @TempDir
    Path dir;

    private static final String W = "/api/v1/workloads";

    @Test
    void everyWriteIsAudited() {
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        TestingClock clock = new TestingClock(t0);
        try (KilnHarness kiln = KilnHarness.remote(dir, clock)) {
            String admin = kiln.adminToken();
            String ownerId = kiln.addUser(admin, KilnHarness.OWNER, "user");
            String owner = (String) kiln.issue(admin, ownerId, null).get("token");
            String memberId = kiln.addUser(admin, KilnHarness.MEMBER, "user");
            Map<String, Object> memberToken = kiln.issue(admin, memberId, null);
            String member = (String) memberToken.get("token");

            clock.advance(Duration.ofMinutes(1));
            Instant t1 = clock.instant();
            String a = kiln.create(owner, "a", "team-a");
            String b = kiln.create(owner, "b", "team-a");
            String c = kiln.create(owner, "c", "team-a");
            String d = kiln.create(owner, "d", "team-a");
            kiln.ok("PATCH", W + "/" + a, owner, Map.of("description", "changed"));
            kiln.ok("POST", W + "/" + a + "/stop", owner, null);
            kiln.ok("DELETE", W + "/" + a, owner, null);
            kiln.ok("POST", W + "/clone", owner, Map.of("workloadIds", List.of(b)));
            kiln.ok("POST", W + "/stop", owner, Map.of("workloadIds", List.of(b, c)));
            kiln.ok("POST", W + "/delete", owner, Map.of("workloadIds", List.of(c)));
            // refused writes are recorded too, with who tried and how it ended
            assertThat(kiln.call("DELETE", W + "/" + d, member, null).status()).isEqualTo(403);
            assertThat(kiln.call("POST", W, null, KilnHarness.workload("x", "default")).status()).isEqualTo(401);
            String tmp = kiln.addUser(admin, "temp", "user");
            String tokenId = (String) kiln.issue(admin, tmp, null).get("tokenId");
            kiln.ok("DELETE", "/api/v1/users/" + tmp + "/tokens/" + tokenId, admin, null);
            kiln.ok("DELETE", "/api/v1/users/" + tmp, admin, null);

            List<Map<String, Object>> all = audit(kiln, admin, "?limit=1000");
            assertThat(all).allSatisfy(e -> {
                assertThat(e.get("time")).isNotNull();
                assertThat(Times.parse((String) e.get("time"))).isPresent();
                assertThat(e.get("action").toString()).doesNotStartWith("GET");
            });
            assertThat(all).as("no reads in the audit log").noneMatch(e -> e.get("action").toString().startsWith("GET"));
            expect(all, KilnHarness.OWNER, "POST " + W, a, 200);
            expect(all, KilnHarness.OWNER, "PATCH " + W + "/{workloadId}", a, 200);
            expect(all, KilnHarness.OWNER, "POST " + W + "/{workloadId}/stop", a, 200);
            expect(all, KilnHarness.OWNER, "DELETE " + W + "/{workloadId}", a, 200);
            expect(all, KilnHarness.OWNER, "POST " + W + "/clone", b, 200);
            expect(all, KilnHarness.OWNER, "POST " + W + "/stop", b + "," + c, 200);
            expect(all, KilnHarness.OWNER, "POST " + W + "/delete", c, 200);
            expect(all, KilnHarness.MEMBER, "DELETE " + W + "/{workloadId}", d, 403);
            expect(all, "anonymous", "POST " + W, null, 401);
            expect(all, "admin", "POST /api/v1/users", tmp, 200);
            expect(all, "admin", "POST /api/v1/users/{userId}/tokens", tmp + "/tokens/" + tokenId, 200);
            expect(all, "admin", "DELETE /api/v1/users/{userId}/tokens/{tokenId}", null, 200);
            expect(all, "admin", "DELETE /api/v1/users/{userId}", tmp, 200);
            // newest first, each entry's time from the server clock
            assertThat(all.getFirst().get("action")).isEqualTo("DELETE /api/v1/users/{userId}");

            // filters
            List<Map<String, Object>> since = audit(kiln, admin, "?limit=1000&since=" + Times.format(t1));
            assertThat(since).isNotEmpty().allSatisfy(e -> assertThat(Times.parse((String) e.get("time")).orElseThrow()).isAfterOrEqualTo(t1));
            assertThat(since).noneMatch(e -> ownerId.equals(lastSegment(e.get("target"))) && e.get("action").equals("POST /api/v1/users"));
            assertThat(all.size()).isGreaterThan(since.size());
            List<Map<String, Object>> byOwner = audit(kiln, admin, "?limit=1000&userId=" + ownerId);
            assertThat(byOwner).hasSize(10).allSatisfy(e -> assertThat(e.get("userId")).isEqualTo(ownerId));
            assertThat(audit(kiln, admin, "?limit=2")).hasSize(2).isEqualTo(all.subList(0, 2));
            assertThat(kiln.call("GET", "/api/v1/audit?limit=0", admin, null).status()).isEqualTo(400);
            assertThat(kiln.call("GET", "/api/v1/audit?since=yesterday", admin, null).status()).isEqualTo(400);

            // admins only
            assertThat(kiln.call("GET", "/api/v1/audit", owner, null).status()).isEqualTo(403);
            assertThat(kiln.call("GET", "/api/v1/audit", null, null).status()).isEqualTo(401);

            // each write is in the log by the time its response arrives
            for (int i = 0; i < 20; i++) {
                kiln.ok("PATCH", W + "/" + d, owner, Map.of("description", "n" + i));
                List<Map<String, Object>> newest = audit(kiln, admin, "?limit=1");
                assertThat(newest.getFirst().get("action")).as("write " + i).isEqualTo("PATCH " + W + "/{workloadId}");
            }
        }
    }

    private static String lastSegment(Object target) {
        String s = String.valueOf(target);
        return s.substring(s.lastIndexOf('/') + 1);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> audit(KilnHarness kiln, String admin, String query) {
        return (List<Map<String, Object>>) kiln.ok("GET", "/api/v1/audit" + query, admin, null).json().get("items");
    }

    private static void expect(List<Map<String, Object>> entries, String userName, String action, String target, int status) {
        assertThat(entries)
                .as("audit entry %s by %s on %s → %d in %s", action, userName, target, status, entries)
                .anyMatch(e -> e.get("userName").equals(userName) && e.get("action").equals(action)
                        && (target == null || target.equals(e.get("target")))
                        && ((Number) e.get("status")).intValue() == status);
    }
}
