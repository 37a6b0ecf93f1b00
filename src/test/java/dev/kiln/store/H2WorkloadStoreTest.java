package dev.kiln.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 file database, a new file per test. */
class H2WorkloadStoreTest extends AbstractWorkloadStoreTest {
    @TempDir
    Path dir;

    @Override
    protected Database openEmptyDatabase() {
        return Database.open("jdbc:h2:file:" + dir.resolve("kiln").toAbsolutePath(), "", "");
    }
}
