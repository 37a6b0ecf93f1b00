package dev.kiln.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed write survives the death of the process that wrote it (a 200 means committed): a child JVM opens the
 * embedded database through {@link Database}, commits a row and halts at once; the row is there afterwards.
 */
class DurabilityTest {
    @TempDir
    Path dir;

    /** Run in a child JVM: commit one row, then die without any shutdown work. */
    public static void main(String[] args) {
        Database db = Database.open(args[0], "", "");
        db.jdbi().useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS probe (i INT)"));
        db.jdbi().useHandle(h -> h.execute("INSERT INTO probe VALUES (42)"));
        Runtime.getRuntime().halt(0);
    }

    @Test
    void aCommitSurvivesAKilledProcess() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("kiln").toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DurabilityTest.class.getName(), url)
                .inheritIO()
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try (Database db = Database.open(url, "", "")) {
            List<Integer> rows = db.jdbi().withHandle(h -> h.createQuery("SELECT i FROM probe").mapTo(Integer.class).list());
            assertThat(rows).containsExactly(42);
        }
    }
}
