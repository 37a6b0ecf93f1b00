package dev.kiln.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadIdsTest {
    @Test
    void normalisation() {
        assertThat(WorkloadIds.normalise("My Training_Job!!")).contains("my-training-job");
        assertThat(WorkloadIds.normalise("--a--b--")).contains("a-b");
        assertThat(WorkloadIds.normalise("ÄÖÜ train")).contains("train");
        assertThat(WorkloadIds.normalise("GPT 4.5 run #2")).contains("gpt-4-5-run-2");
        assertThat(WorkloadIds.normalise("!!!")).isEmpty();
        assertThat(WorkloadIds.normalise("")).isEmpty();
        assertThat(WorkloadIds.normalise("x".repeat(100))).contains("x".repeat(57));
        // a cut that ends on a dash does not leave it dangling
        assertThat(WorkloadIds.normalise("a".repeat(56) + " bcd")).contains("a".repeat(56));
    }

    @Test
    void idsAreThePrefixADashAndFiveCharactersOfTheAlphabet() {
        WorkloadIds ids = new WorkloadIds(new Random(42));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = ids.next("x".repeat(57));
            assertThat(id).matches("x{57}-[bcdfghjklmnpqrstvwxz2456789]{5}").hasSize(63);
            assertThat(WorkloadIds.isValid(id)).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSizeGreaterThan(190);
    }

    @Test
    void sameSeedSameDraws() {
        assertThat(new WorkloadIds(new Random(7)).next("a")).isEqualTo(new WorkloadIds(new Random(7)).next("a"));
    }

    @Test
    void validity() {
        assertThat(WorkloadIds.isValid("a")).isTrue();
        assertThat(WorkloadIds.isValid("a".repeat(63))).isTrue();
        assertThat(WorkloadIds.isValid("a".repeat(64))).isFalse();
        assertThat(WorkloadIds.isValid("UPPER")).isFalse();
        assertThat(WorkloadIds.isValid("../etc")).isFalse();
        assertThat(WorkloadIds.isValid("")).isFalse();
        assertThat(WorkloadIds.isValid(null)).isFalse();
    }
}
