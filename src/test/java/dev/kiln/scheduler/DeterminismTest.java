package dev.kiln.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeterminismTest {
    @Test
    void shuffledInputGivesTheSameDecision() {
        Scheduler scheduler = new Scheduler();
        for (long seed = 1; seed <= 20; seed++) {
            Snapshot snapshot = RandomSnapshots.generate(seed, 40, 300);
            Decision expected = scheduler.schedule(snapshot);

            Snapshot shuffled = shuffle(snapshot, new Random(seed * 31));
            Decision actual = scheduler.schedule(shuffled);

            assertThat(actual).isEqualTo(expected);
            // and the maps iterate the same way, so logs and API output are stable too
            assertThat(actual.toString()).isEqualTo(expected.toString());
            assertThat(expected.placements()).isNotEmpty();
            assertThat(expected.messages()).isNotEmpty();
        }
    }

    @Test
    void everyPendingWorkloadHasAnOrderAndEitherAPlacementOrAMessage() {
        Snapshot snapshot = RandomSnapshots.generate(99, 40, 300);

        Decision decision = new Scheduler().schedule(snapshot);

        for (PendingWorkload workload : snapshot.pending()) {
            assertThat(decision.schedulerOrder()).containsKey(workload.id());
            assertThat(decision.placements().containsKey(workload.id()))
                    .isNotEqualTo(decision.messages().containsKey(workload.id()));
            if (decision.placements().containsKey(workload.id())) {
                assertThat(decision.placements().get(workload.id())).hasSize(workload.pods());
            }
        }
    }

    private static Snapshot shuffle(Snapshot snapshot, Random random) {
        List<NodeInfo> nodes = new ArrayList<>(snapshot.nodes());
        Collections.shuffle(nodes, random);
        List<PendingWorkload> pending = new ArrayList<>(snapshot.pending());
        Collections.shuffle(pending, random);
        return new Snapshot(nodes, shuffled(snapshot.allocated(), random), shuffled(snapshot.workspaces(), random),
                pending);
    }

    private static <V> Map<String, V> shuffled(Map<String, V> map, Random random) {
        List<String> keys = new ArrayList<>(map.keySet());
        Collections.shuffle(keys, random);
        Map<String, V> copy = new LinkedHashMap<>();
        keys.forEach(key -> copy.put(key, map.get(key)));
        return copy;
    }
}
