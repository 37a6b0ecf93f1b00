package dev.kiln.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourcesTest {
    private static final long GIB = Nodes.GIB;

    @Test
    void arithmetic() {
        Resources a = new Resources(1_500, 2, 4 * GIB, GIB);
        Resources b = new Resources(500, 1, GIB, 0);

        assertThat(a.plus(b)).isEqualTo(new Resources(2_000, 3, 5 * GIB, GIB));
        assertThat(a.minus(b)).isEqualTo(new Resources(1_000, 1, 3 * GIB, GIB));
        assertThat(b.times(4)).isEqualTo(new Resources(2_000, 4, 4 * GIB, 0));
        assertThat(Resources.ZERO.plus(a)).isEqualTo(a);
    }

    @Test
    void fitsInIsComponentwise() {
        Resources free = new Resources(4_000, 8, 64 * GIB, 100 * GIB);

        assertThat(new Resources(4_000, 8, 64 * GIB, 100 * GIB).fitsIn(free)).isTrue();
        assertThat(new Resources(4_001, 0, 0, 0).fitsIn(free)).isFalse();
        assertThat(new Resources(0, 9, 0, 0).fitsIn(free)).isFalse();
        assertThat(new Resources(0, 0, 65 * GIB, 0).fitsIn(free)).isFalse();
        assertThat(new Resources(0, 0, 0, 101 * GIB).fitsIn(free)).isFalse();
    }

    @Test
    void firstExceedingNamesGpuBeforeTheRest() {
        Resources free = new Resources(1_000, 1, GIB, GIB);

        assertThat(new Resources(2_000, 2, 0, 0).firstExceeding(free)).contains(Resource.GPU);
        assertThat(new Resources(2_000, 0, 2 * GIB, 0).firstExceeding(free)).contains(Resource.CPU);
        assertThat(new Resources(0, 0, 0, 2 * GIB).firstExceeding(free)).contains(Resource.EPHEMERAL_STORAGE);
        assertThat(free.firstExceeding(free)).isEmpty();
    }

    @Test
    void amountsAreNeverNegative() {
        assertThatThrownBy(() -> new Resources(0, -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gpu -1 must not be negative");
        assertThatThrownBy(() -> new Resources(0, 1, 0, 0).minus(new Resources(0, 2, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "CPU, 1500, 1.5",
        "CPU, 2000, 2",
        "CPU, 250, 0.25",
        "GPU, 8, 8",
        "MEMORY, 17179869184, 16Gi",
        "MEMORY, 536870912, 0.5Gi",
        "MEMORY, 1181116006, 1.1Gi",
        "MEMORY, 10485760, 10Mi",
        "MEMORY, 0, 0Gi",
        "EPHEMERAL_STORAGE, 1099511627776, 1024Gi",
    })
    void formatsForPeople(Resource resource, long amount, String expected) {
        assertThat(resource.format(amount)).isEqualTo(expected);
    }
}
