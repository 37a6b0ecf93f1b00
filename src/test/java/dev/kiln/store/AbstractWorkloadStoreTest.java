package dev.kiln.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.TestingClock;
import dev.kiln.auth.Caller;
import dev.kiln.service.Cluster;
import dev.kiln.service.WorkloadService;
import dev.kiln.workload.Condition;
import dev.kiln.workload.GroupVersionKind;
import dev.kiln.workload.Node;
import dev.kiln.workload.Phase;
import dev.kiln.workload.ResourceSpec;
import dev.kiln.workload.ServiceSpec;
import dev.kiln.workload.Workload;
import dev.kiln.workload.WorkloadIds;
import dev.kiln.workload.WorkloadSpec;
import dev.kiln.workload.WorkloadValidator;
import dev.kiln.workload.Workspace;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's contract, run against H2 and PostgreSQL alike; every test starts from an empty, migrated schema. */
abstract class AbstractWorkloadStoreTest {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    Database database;
    WorkloadStore store;

    /** A freshly migrated database with no workloads in it. */
    protected abstract Database openEmptyDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        database = openEmptyDatabase();
        store = new WorkloadStore(database);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    static WorkloadSpec spec(String displayName, String workspace, String kind, int priority, String description) {
        WorkloadSpec.Builder b = new WorkloadSpec.Builder();
        b.displayName = displayName;
        b.description = description;
        b.workspaceId = workspace;
        b.specifiedNodes = List.of();
        b.resource = new ResourceSpec(1, "1", "0", "1Gi", "50Gi", "512Mi");
        b.image = "";
        b.entryPoint = "ZWNobyBoaQ==";
        b.isSupervised = false;
        b.priority = priority;
        b.timeout = 0L;
        b.maxRetry = 0;
        b.ttlSecondsAfterFinished = 60L;
        b.customerLabels = Map.of();
        b.env = Map.of("A", "1");
        b.dependencies = List.of();
        b.cronJobs = List.of();
        b.groupVersionKind = new GroupVersionKind("", "v1", kind);
        b.isTolerateAll = false;
        return b.build();
    }

    static Workload workload(String id, WorkloadSpec spec, String userName, Instant created, Phase phase) {
        return new Workload(id, "uid-" + id, spec, "u-" + userName.toLowerCase().replaceAll("[^a-z0-9]", ""), userName,
                "local", phase, "", created, null, phase.isTerminal() ? created.plusSeconds(5) : null, null, 0, 0,
                false, false, List.of(Condition.of("Queued", "Created", "created", created)), List.of(), List.of(), "",
                false, 0);
    }

    static Workload workload(String id) {
        return workload(id, spec(id, "default", "PyTorchJob", 0, ""), "alice", T0, Phase.Pending);
    }

    static WorkloadQuery query() {
        return new WorkloadQuery(null, List.of(), List.of(), null, null, null, null, null, null, null,
                WorkloadQuery.SortField.creationTime, false, 0, 1000);
    }

    static QueryBuilder q() {
        return new QueryBuilder();
    }

    static List<String> ids(WorkloadStore.Page page) {
        return page.items().stream().map(Workload::id).toList();
    }

    @Test
    void insertedWorkloadIsFoundWithEveryField() {
        Workload w = new Workload("train-bcdfg", "uid-1", spec("Train", "team-a", "Deployment", 2, "desc"), "u1", "Alice",
                "local", Phase.Running, "running on node-a", T0, T0.plusSeconds(10), null, null, 3, 0, true, false,
                List.of(Condition.of("Queued", "Created", "c", T0), Condition.of("Running", "Started", "s", T0.plusSeconds(10))),
                List.of(List.of("node-a", "node-b")), List.of(List.of("0", "1")), "k8s-uid", false, 0);
        store.insert(w);
        assertThat(store.find("train-bcdfg")).contains(w);
        assertThat(store.exists("train-bcdfg")).isTrue();
        assertThat(store.find("other-bcdfg")).isEmpty();
        assertThat(store.exists("other-bcdfg")).isFalse();
    }

    @Test
    void duplicateIdIsRefusedAlsoForADeletedWorkload() {
        store.insert(workload("dup-bbbbb"));
        assertThatThrownBy(() -> store.insert(workload("dup-bbbbb"))).isInstanceOf(WorkloadStore.DuplicateIdException.class);

        Workload gone = store.find("dup-bbbbb").orElseThrow();
        Workload.Builder b = gone.toBuilder();
        b.deleted = true;
        assertThat(store.update(b.build())).isTrue();
        assertThat(store.find("dup-bbbbb")).isEmpty();
        assertThat(store.exists("dup-bbbbb")).isFalse();
        assertThat(store.findIncludingDeleted("dup-bbbbb")).get().extracting(Workload::deleted).isEqualTo(true);
        assertThatThrownBy(() -> store.insert(workload("dup-bbbbb"))).isInstanceOf(WorkloadStore.DuplicateIdException.class);
    }

    @Test
    void updateIsACompareAndSetOnTheVersion() {
        store.insert(workload("cas-ccccc"));
        Workload read1 = store.find("cas-ccccc").orElseThrow();
        Workload read2 = store.find("cas-ccccc").orElseThrow();

        Workload.Builder winner = read1.toBuilder();
        winner.phase = Phase.Stopped;
        assertThat(store.update(winner.build())).isTrue();

        Workload.Builder loser = read2.toBuilder();
        loser.phase = Phase.Running;
        assertThat(store.update(loser.build())).as("stale version loses the race").isFalse();

        Workload now = store.find("cas-ccccc").orElseThrow();
        assertThat(now.phase()).isEqualTo(Phase.Stopped);
        assertThat(now.version()).isEqualTo(read1.version() + 1);
        Workload.Builder again = now.toBuilder();
        again.message = "again";
        assertThat(store.update(again.build())).isTrue();
        assertThat(store.find("cas-ccccc").orElseThrow().message()).isEqualTo("again");
    }

    @Test
    void updateOfAnUnknownIdChangesNothing() {
        assertThat(store.update(workload("ghost-ddddd"))).isFalse();
        assertThat(store.exists("ghost-ddddd")).isFalse();
    }

    @Test
    void longMessagesAreTruncatedNotRefused() {
        Workload w = workload("long-fffff");
        Workload.Builder b = w.toBuilder();
        b.message = "m".repeat(10_000);
        store.insert(b.build());
        assertThat(store.find("long-fffff").orElseThrow().message()).hasSizeLessThanOrEqualTo(4096);
    }

    /** 12 workloads over two workspaces, four kinds, three users, some stopped, one deleted. */
    List<Workload> seed() {
        String[] users = {"a%b", "a_b", "AXB"};
        String[] kinds = {"PyTorchJob", "Deployment", "StatefulSet", "Authoring"};
        String[] descriptions = {"100% done", "x_y", "xzy", "GPU run"};
        List<Workload> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "w" + (char) ('a' + (i * 5) % 12) + "-" + i;
            Phase phase = i % 4 == 3 ? Phase.Stopped : Phase.Pending;
            Workload w = workload(id, spec("name" + (char) ('a' + (i * 7) % 12), i < 9 ? "default" : "team-a", kinds[i % 4],
                    i % 3, descriptions[i % 4]), users[i % 3], T0.plusSeconds(60L * i), phase);
            store.insert(w);
            out.add(w);
        }
        Workload deleted = workload("deleted-x", spec("deleted", "default", "PyTorchJob", 0, "100% done"), "a%b", T0, Phase.Pending);
        store.insert(deleted);
        Workload.Builder d = store.find("deleted-x").orElseThrow().toBuilder();
        d.deleted = true;
        assertThat(store.update(d.build())).isTrue();
        return out;
    }

    @Test
    void listFilters() {
        List<Workload> all = seed();
        assertThat(store.list(query()).totalCount()).isEqualTo(12);
        assertThat(ids(store.list(q().workspaces(Set.of("team-a")).build()))).hasSize(3);
        assertThat(store.list(q().workspaces(Set.of()).build()).totalCount()).isZero();
        assertThat(ids(store.list(q().phases(List.of("Stopped")).build())))
                .containsExactlyInAnyOrderElementsOf(all.stream().filter(w -> w.phase() == Phase.Stopped).map(Workload::id).toList());
        assertThat(store.list(q().phases(List.of("Stopped", "Pending")).build()).totalCount()).isEqualTo(12);
        assertThat(store.list(q().kinds(List.of("Deployment", "Authoring")).build()).totalCount()).isEqualTo(6);
        assertThat(store.list(q().cluster("local").build()).totalCount()).isEqualTo(12);
        assertThat(store.list(q().cluster("other").build()).totalCount()).isZero();
        assertThat(store.list(q().user("u-axb").build()).totalCount()).isEqualTo(4);
        // fuzzy: case-insensitive, % and _ literal
        assertThat(ids(store.list(q().userName("A%").build())))
                .containsExactlyInAnyOrderElementsOf(all.stream().filter(w -> w.userName().equals("a%b")).map(Workload::id).toList());
        assertThat(ids(store.list(q().userName("a_").build())))
                .containsExactlyInAnyOrderElementsOf(all.stream().filter(w -> w.userName().equals("a_b")).map(Workload::id).toList());
        assertThat(store.list(q().userName("axb").build()).totalCount()).isEqualTo(4);
        assertThat(store.list(q().userName("!").build()).totalCount()).isZero();
        assertThat(store.list(q().description("100%").build()).totalCount()).isEqualTo(3);
        assertThat(store.list(q().description("X_Y").build()).totalCount()).isEqualTo(3);
        assertThat(store.list(q().description("gpu").build()).totalCount()).isEqualTo(3);
        assertThat(ids(store.list(q().workloadId("WA-0").build()))).containsExactly("wa-0");
        assertThat(store.list(q().workloadId("deleted").build()).totalCount()).isZero();
        assertThat(ids(store.list(q().since(T0.plusSeconds(120)).until(T0.plusSeconds(240)).sort(WorkloadQuery.SortField.creationTime, true).build())))
                .isEqualTo(all.subList(2, 5).stream().map(Workload::id).toList());
        assertThat(store.list(q().workspaces(Set.of("default")).kinds(List.of("PyTorchJob")).phases(List.of("Pending")).build()).totalCount())
                .isEqualTo(all.stream().filter(w -> w.workspaceId().equals("default") && w.kind().name().equals("PyTorchJob")
                        && w.phase() == Phase.Pending).count());
    }

    @Test
    void listSortsByEveryFieldInBothOrdersAndPages() {
        List<Workload> all = seed();
        for (WorkloadQuery.SortField field : WorkloadQuery.SortField.values()) {
            for (boolean asc : List.of(true, false)) {
                Comparator<Workload> c = comparator(field).thenComparing(Workload::id);
                if (!asc) {
                    c = c.reversed();
                }
                List<String> expected = all.stream().sorted(c).map(Workload::id).toList();
                assertThat(ids(store.list(q().sort(field, asc).build()))).as("%s %s", field, asc).isEqualTo(expected);
                List<String> paged = new ArrayList<>();
                for (int offset = 0; offset < 12; offset += 5) {
                    WorkloadStore.Page page = store.list(q().sort(field, asc).page(offset, 5).build());
                    assertThat(page.totalCount()).isEqualTo(12);
                    paged.addAll(ids(page));
                }
                assertThat(paged).as("paged %s %s", field, asc).isEqualTo(expected);
            }
        }
        assertThat(store.list(q().page(12, 5).build()).items()).isEmpty();
    }

    /** Nulls (times not set) sort as the highest value, as on both databases' configuration. */
    static Comparator<Workload> comparator(WorkloadQuery.SortField field) {
        Comparator<Instant> time = Comparator.nullsLast(Comparator.naturalOrder());
        return switch (field) {
            case creationTime -> Comparator.comparing(Workload::creationTime);
            case startTime -> Comparator.comparing(Workload::startTime, time);
            case endTime -> Comparator.comparing(Workload::endTime, time);
            case priority -> Comparator.comparing(w -> w.spec().priority());
            case phase -> Comparator.comparing(w -> w.phase().name());
            case workloadId -> Comparator.comparing(Workload::id);
            case displayName -> Comparator.comparing(w -> w.spec().displayName());
            case userName -> Comparator.comparing(Workload::userName);
            case dispatchCount -> Comparator.comparing(Workload::dispatchCount);
        };
    }

    @Test
    void nodePortInUseCountsOnlyLiveUnfinishedWorkloadsOtherThanTheOneAsked() {
        WorkloadSpec.Builder b = spec("web", "default", "Deployment", 0, "").toBuilder();
        b.service = new ServiceSpec("TCP", 80, 30080, null, "NodePort", Map.of());
        store.insert(workload("web-ggggg", b.build(), "alice", T0, Phase.Pending));
        assertThat(store.nodePortInUse(30080, null)).isTrue();
        assertThat(store.nodePortInUse(30081, null)).isFalse();
        assertThat(store.nodePortInUse(30080, "web-ggggg")).isFalse();

        Workload.Builder stopped = store.find("web-ggggg").orElseThrow().toBuilder();
        stopped.phase = Phase.Stopped;
        assertThat(store.update(stopped.build())).isTrue();
        assertThat(store.nodePortInUse(30080, null)).isFalse();

        store.insert(workload("web-hhhhh", b.build(), "alice", T0, Phase.Running));
        assertThat(store.nodePortInUse(30080, null)).isTrue();
        Workload.Builder deleted = store.find("web-hhhhh").orElseThrow().toBuilder();
        deleted.deleted = true;
        assertThat(store.update(deleted.build())).isTrue();
        assertThat(store.nodePortInUse(30080, null)).isFalse();
    }

    @Test
    void createDrawsAgainWhenTheIdIsTakenEvenByADeletedWorkload() {
        // a deleted workload holds "train-bbbbb"; the first draw repeats it, the second gives "train-ccccc"
        Workload old = workload("train-bbbbb");
        store.insert(old);
        Workload.Builder d = store.find("train-bbbbb").orElseThrow().toBuilder();
        d.deleted = true;
        assertThat(store.update(d.build())).isTrue();

        int b = WorkloadIds.ALPHABET.indexOf('b');
        int c = WorkloadIds.ALPHABET.indexOf('c');
        RandomGenerator scripted = new ScriptedRandom(b, b, b, b, b, c, c, c, c, c);
        Node node = new Node("node-a", 16_000, 8, 64L << 30, 500L << 30, Map.of(), List.of());
        Cluster cluster = new Cluster("local", ZoneOffset.UTC, false, List.of(node),
                List.of(new Workspace("default", null, Map.of(), null, Set.of(), true)), store);
        WorkloadService service = new WorkloadService(store, new WorkloadValidator(cluster), new WorkloadIds(scripted),
                new TestingClock(T0), "local", id -> {});
        String id = service.create(new Caller("alice", "alice", true, Set.of()), spec("Train", "default", "PyTorchJob", 0, ""));
        assertThat(id).isEqualTo("train-ccccc");
        assertThat(store.find("train-ccccc")).isPresent();
        assertThat(store.findIncludingDeleted("train-bbbbb").orElseThrow().deleted()).isTrue();
    }

    /** Returns the given values from nextInt(bound), in order. */
    static final class ScriptedRandom implements RandomGenerator {
        private final int[] values;
        private int next;

        ScriptedRandom(int... values) {
            this.values = values;
        }

        @Override
        public int nextInt(int bound) {
            return values[next++ % values.length];
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }
    }
}
