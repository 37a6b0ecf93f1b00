package dev.kiln.lifecycle;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link LifecycleHarness} with default settings for every test. */
abstract class HarnessTest {
    @TempDir
    Path dir;

    LifecycleHarness h;

    @BeforeEach
    void setUpHarness() {
        h = new LifecycleHarness(dir, LifecycleHarness.settings());
    }

    @AfterEach
    void closeHarness() {
        h.close();
    }
}
