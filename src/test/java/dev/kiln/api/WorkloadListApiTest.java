package dev.kiln.api;

import static dev.kiln.api.CreateBody.pytorchJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.TestKiln;
import dev.kiln.TestingClock;
import dev.kiln.server.Kiln;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GET /workloads: every filter, every sort field in both orders, and paging, against a known data set. */
class WorkloadListApiTest {
    static final String W = "/api/v1/workloads";
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    static Path dataDir;

    static TestingClock clock = new TestingClock(T0);
    static Kiln kiln;
    static ApiClient api;
    /** id → creation time, in creation order. */
    static final Map<String, Instant> created = new LinkedHashMap<>();
    static final Set<String> stopped = new HashSet<>();
    static String deletedId;
    static String teamA1;
    static String teamA2;

    @BeforeAll
    static void start() {
        kiln = Kiln.start(TestKiln.config(dataDir), clock);
        api = new ApiClient(kiln.url());
        String[] kinds = {"PyTorchJob", "Deployment", "StatefulSet", "Authoring"};
        String[] descriptions = {"100% done", "a_b", "axb", "GPU test", "plain", "gpu TEST two", ""};
        for (int i = 0; i < 24; i++) {
            CreateBody body = new CreateBody[] {
                    pytorchJob("job " + (char) ('a' + (i * 7) % 26) + i),
                    CreateBody.deployment("svc " + (char) ('a' + (i * 5) % 26) + i),
                    CreateBody.statefulSet("sts " + (char) ('a' + (i * 3) % 26) + i),
                    CreateBody.authoring("dev " + (char) ('a' + (i * 11) % 26) + i).without("entryPoint")}[i % 4];
            body.priority(i % 3).description(descriptions[i % descriptions.length]);
            assertThat(kinds[i % 4]).isNotEmpty();
            created.put(api.create(body.build()), clock.instant());
            clock.advance(Duration.ofSeconds(10 + i));
        }
        teamA1 = api.create(pytorchJob("team job").workspace("team-a").description("TEAM").build());
        created.put(teamA1, clock.instant());
        clock.advance(Duration.ofSeconds(7));
        teamA2 = api.create(CreateBody.deployment("team svc").workspace("team-a").build());
        created.put(teamA2, clock.instant());
        clock.advance(Duration.ofSeconds(7));
        // stop every fifth, at distinct times, so endTime and phase sort on something
        List<String> ids = new ArrayList<>(created.keySet());
        for (int i = 0; i < ids.size(); i += 5) {
            assertThat(api.post(W + "/" + ids.get(i) + "/stop", null).status()).isEqualTo(200);
            stopped.add(ids.get(i));
            clock.advance(Duration.ofSeconds(3 + i));
        }
        deletedId = api.create(pytorchJob("deleted one").description("100% done").build());
        assertThat(api.delete(W + "/" + deletedId).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (kiln != null) {
            kiln.close();
        }
    }

    static JsonNode list(String query) {
        ApiClient.Response r = api.get(W + query);
        assertThat(r.status()).as(query + ": " + r).isEqualTo(200);
        return r.json();
    }

    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(i -> out.add(i.get("workloadId").asText()));
        return out;
    }

    static List<JsonNode> all() {
        List<JsonNode> out = new ArrayList<>();
        list("?limit=1000").get("items").forEach(out::add);
        return out;
    }

    static List<String> idsWhere(java.util.function.Predicate<JsonNode> p) {
        return all().stream().filter(p).map(i -> i.get("workloadId").asText()).toList();
    }

    @Test
    void defaultIsNewestFirstAndTotalCountIgnoresPaging() {
        JsonNode page = list("?limit=3");
        assertThat(page.get("totalCount").asLong()).isEqualTo(created.size());
        assertThat(page.get("items")).hasSize(3);
        List<String> newestFirst = new ArrayList<>(created.keySet());
        java.util.Collections.reverse(newestFirst);
        assertThat(ids(page)).isEqualTo(newestFirst.subList(0, 3));
        assertThat(ids(list(""))).isEqualTo(newestFirst); // default limit 100 covers all
        assertThat(ids(list("?sortBy=create_time&order=desc"))).isEqualTo(newestFirst);
        assertThat(ids(list("?offset=1000")).isEmpty()).isTrue();
        assertThat(list("?offset=1000").get("totalCount").asLong()).isEqualTo(created.size());
    }

    @Test
    void deletedWorkloadsAreNotListed() {
        assertThat(ids(list("?limit=1000"))).doesNotContain(deletedId);
        assertThat(list("?workloadId=" + deletedId).get("totalCount").asLong()).isZero();
    }

    @Test
    void filterByWorkspace() {
        assertThat(ids(list("?workspaceId=team-a"))).containsExactlyInAnyOrder(teamA1, teamA2);
        assertThat(list("?workspaceId=default").get("totalCount").asLong()).isEqualTo(created.size() - 2);
    }

    @Test
    void filterByPhaseTakesSeveralValues() {
        assertThat(ids(list("?phase=Stopped&limit=1000"))).containsExactlyInAnyOrderElementsOf(stopped);
        assertThat(list("?phase=Pending,Stopped").get("totalCount").asLong()).isEqualTo(created.size());
        assertThat(list("?phase=Pending").get("totalCount").asLong()).isEqualTo(created.size() - stopped.size());
        assertThat(list("?phase=Running,Succeeded,Failed").get("totalCount").asLong()).isZero();
    }

    @Test
    void filterByKindTakesSeveralValues() {
        assertThat(ids(list("?kind=Deployment,Authoring&limit=1000"))).containsExactlyInAnyOrderElementsOf(
                idsWhere(i -> Set.of("Deployment", "Authoring").contains(i.get("groupVersionKind").get("kind").asText())));
        assertThat(list("?kind=StatefulSet").get("totalCount").asLong()).isEqualTo(6);
    }

    @Test
    void filterByClusterAndUser() {
        JsonNode any = all().get(0);
        String userId = any.get("userId").asText();
        assertThat(list("?clusterId=local").get("totalCount").asLong()).isEqualTo(created.size());
        assertThat(list("?clusterId=elsewhere").get("totalCount").asLong()).isZero();
        assertThat(list("?userId=" + userId).get("totalCount").asLong()).isEqualTo(created.size());
        assertThat(list("?userId=" + userId.toUpperCase() + "x").get("totalCount").asLong()).isZero();
    }

    @Test
    void userNameIsAFuzzyCaseInsensitiveMatchWithWildcardsTakenLiterally() {
        String name = all().get(0).get("userName").asText();
        String middle = name.length() > 2 ? name.substring(1, name.length() - 1) : name;
        assertThat(list(ApiClient.query(Map.of("userName", name.toUpperCase()))).get("totalCount").asLong()).isEqualTo(created.size());
        assertThat(list(ApiClient.query(Map.of("userName", middle))).get("totalCount").asLong()).isEqualTo(created.size());
        if (!name.contains("%") && !name.contains("_")) {
            assertThat(list(ApiClient.query(Map.of("userName", "%"))).get("totalCount").asLong()).isZero();
            assertThat(list(ApiClient.query(Map.of("userName", "_"))).get("totalCount").asLong()).isZero();
        }
        assertThat(list(ApiClient.query(Map.of("userName", name + "zz"))).get("totalCount").asLong()).isZero();
    }

    @Test
    void descriptionIsAFuzzyCaseInsensitiveMatchWithWildcardsTakenLiterally() {
        assertThat(ids(list(ApiClient.query(Map.of("description", "100%", "limit", "1000")))))
                .containsExactlyInAnyOrderElementsOf(idsWhere(i -> i.get("description").asText().equals("100% done")))
                .isNotEmpty();
        assertThat(ids(list(ApiClient.query(Map.of("description", "a_b", "limit", "1000")))))
                .containsExactlyInAnyOrderElementsOf(idsWhere(i -> i.get("description").asText().equals("a_b")))
                .isNotEmpty();
        assertThat(ids(list(ApiClient.query(Map.of("description", "gpu test", "limit", "1000")))))
                .containsExactlyInAnyOrderElementsOf(idsWhere(i -> i.get("description").asText().toLowerCase().contains("gpu test")))
                .hasSizeGreaterThan(3);
        assertThat(list(ApiClient.query(Map.of("description", "%"))).get("totalCount").asLong())
                .isEqualTo(idsWhere(i -> i.get("description").asText().contains("%")).size());
        assertThat(list(ApiClient.query(Map.of("description", "!"))).get("totalCount").asLong()).isZero();
    }

    @Test
    void workloadIdIsAFuzzyCaseInsensitiveMatch() {
        assertThat(ids(list("?workloadId=" + teamA1.toUpperCase()))).containsExactly(teamA1);
        assertThat(ids(list("?workloadId=team-&limit=1000"))).containsExactlyInAnyOrder(teamA1, teamA2);
        assertThat(list("?workloadId=svc&limit=1000").get("totalCount").asLong()).isEqualTo(7); // 6 + team-svc
        assertThat(list("?workloadId=_").get("totalCount").asLong()).isZero();
    }

    @Test
    void sinceAndUntilBoundTheCreationTimeInclusively() {
        List<String> order = new ArrayList<>(created.keySet());
        Instant from = created.get(order.get(3));
        Instant to = created.get(order.get(9));
        String q = ApiClient.query(Map.of("since", from.toString(), "until", to.toString(), "order", "asc"));
        assertThat(ids(list(q))).isEqualTo(order.subList(3, 10));
        // the accepted forms: with millis, with an offset, without seconds
        String millis = ApiClient.query(Map.of("since", from.toString().replace("Z", ".000Z"), "order", "asc"));
        assertThat(ids(list(millis))).isEqualTo(order.subList(3, order.size()));
        String offset = java.time.OffsetDateTime.ofInstant(to, java.time.ZoneOffset.ofHours(2)).toString();
        assertThat(ids(list(ApiClient.query(Map.of("until", offset, "order", "asc"))))).isEqualTo(order.subList(0, 10));
        assertThat(list(ApiClient.query(Map.of("since", "2026-03-01T00:00"))).get("totalCount").asLong()).isEqualTo(created.size());
        assertThat(list(ApiClient.query(Map.of("until", "2026-02-28T23:59:59Z"))).get("totalCount").asLong()).isZero();
    }

    @Test
    void filtersCombine() {
        long n = list("?workspaceId=default&kind=PyTorchJob&phase=Pending&description=DONE&limit=1000").get("totalCount").asLong();
        long expected = all().stream().filter(i -> i.get("workspaceId").asText().equals("default")
                && i.get("groupVersionKind").get("kind").asText().equals("PyTorchJob")
                && i.get("phase").asText().equals("Pending")
                && i.get("description").asText().toLowerCase().contains("done")).count();
        assertThat(n).isEqualTo(expected);
    }

    static Stream<Arguments> sortFields() {
        return Stream.of(
                Arguments.of("creationTime", "creationTime"), Arguments.of("create_time", "creationTime"),
                Arguments.of("creation_time", "creationTime"), Arguments.of("startTime", "startTime"),
                Arguments.of("start_time", "startTime"), Arguments.of("endTime", "endTime"),
                Arguments.of("end_time", "endTime"), Arguments.of("priority", "priority"),
                Arguments.of("phase", "phase"), Arguments.of("workloadId", "workloadId"),
                Arguments.of("workload_id", "workloadId"), Arguments.of("displayName", "displayName"),
                Arguments.of("display_name", "displayName"), Arguments.of("userName", "userName"),
                Arguments.of("user_name", "userName"), Arguments.of("dispatchCount", "dispatchCount"),
                Arguments.of("dispatch_count", "dispatchCount"));
    }

    @ParameterizedTest(name = "sortBy={0}")
    @MethodSource("sortFields")
    void sortsByEveryFieldInBothOrders(String sortBy, String field) {
        for (String order : List.of("asc", "desc")) {
            List<JsonNode> items = new ArrayList<>();
            list("?limit=1000&sortBy=" + sortBy + "&order=" + order).get("items").forEach(items::add);
            assertThat(items).hasSize(created.size());
            List<String> expected = items.stream().sorted(comparator(field, order.equals("asc")))
                    .map(i -> i.get("workloadId").asText()).toList();
            assertThat(items.stream().map(i -> i.get("workloadId").asText()).toList())
                    .as("sortBy=%s order=%s", sortBy, order).isEqualTo(expected);
        }
        // upper-case order is accepted too
        assertThat(api.get(W + "?sortBy=" + sortBy + "&order=ASC").status()).isEqualTo(200);
    }

    /** The field, then the id, both in the same direction; empty times (null in the store) sort as highest. */
    static Comparator<JsonNode> comparator(String field, boolean ascending) {
        Comparator<JsonNode> byField = switch (field) {
            case "priority", "dispatchCount" -> Comparator.comparingLong(i -> i.get(field).asLong());
            case "creationTime", "startTime", "endTime" -> Comparator.comparing(
                    (JsonNode i) -> i.get(field).asText().isEmpty()).thenComparing(i -> i.get(field).asText());
            default -> Comparator.comparing(i -> i.get(field).asText());
        };
        Comparator<JsonNode> full = byField.thenComparing(i -> i.get("workloadId").asText());
        return ascending ? full : full.reversed();
    }

    @ParameterizedTest(name = "sortBy={0}")
    @MethodSource("sortFields")
    void pagingWalksEveryResultOnceWithoutGapsOrDuplicates(String sortBy, String field) {
        List<String> whole = ids(list("?limit=1000&sortBy=" + sortBy + "&order=asc"));
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < whole.size() + 7; offset += 7) {
            JsonNode page = list("?limit=7&offset=" + offset + "&sortBy=" + sortBy + "&order=asc");
            assertThat(page.get("totalCount").asLong()).isEqualTo(created.size());
            assertThat(page.get("items").size()).isLessThanOrEqualTo(7);
            paged.addAll(ids(page));
        }
        assertThat(paged).isEqualTo(whole).doesNotHaveDuplicates().hasSize(created.size());
    }
}
