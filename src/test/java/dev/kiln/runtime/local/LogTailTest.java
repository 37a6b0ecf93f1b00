package dev.kiln.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
    @TempDir
    Path dir;

    @Test
    void returnsExactlyTheLastLinesOfALargeFile() throws IOException {
        Path file = dir.resolve("big.log");
        int lines = 600_000; // ~50 MB
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                out.write(line(i));
                out.write('\n');
            }
        }
        assertThat(Files.size(file)).isGreaterThan(50_000_000L);

        assertThat(LogTail.lastLines(file, 1000))
                .isEqualTo(IntStream.range(lines - 1000, lines).mapToObj(LogTailTest::line).toList());
        assertThat(LogTail.lastLines(file, 1)).containsExactly(line(lines - 1));
    }

    @Test
    void moreLinesAskedThanTheFileHasReturnsTheWholeFile() throws IOException {
        Path file = Files.writeString(dir.resolve("a.log"), "one\ntwo\nthree\n");
        assertThat(LogTail.lastLines(file, 100)).containsExactly("one", "two", "three");
    }

    @Test
    void fileWithoutTrailingNewlineKeepsItsLastLine() throws IOException {
        Path file = Files.writeString(dir.resolve("a.log"), "one\ntwo\nthree");
        assertThat(LogTail.lastLines(file, 2)).containsExactly("two", "three");
        assertThat(LogTail.lastLines(file, 5)).containsExactly("one", "two", "three");
    }

    @Test
    void emptyLinesInsideAreKeptAndOnlyTheFinalNewlineIsDropped() throws IOException {
        Path file = Files.writeString(dir.resolve("a.log"), "one\n\n\ntwo\n\n");
        assertThat(LogTail.lastLines(file, 10)).containsExactly("one", "", "", "two", "");
    }

    @Test
    void missingOrEmptyFileIsEmpty() throws IOException {
        assertThat(LogTail.lastLines(dir.resolve("missing.log"), 10)).isEmpty();
        assertThat(LogTail.lastLines(Files.writeString(dir.resolve("empty.log"), ""), 10)).isEmpty();
        assertThat(LogTail.lastLines(Files.writeString(dir.resolve("newline.log"), "\n"), 10)).containsExactly("");
    }

    @Test
    void linesLongerThanABlockAndMultibyteCharacters() throws IOException {
        String longLine = "é".repeat(LogTail.BLOCK); // two blocks of bytes
        Path file = Files.writeString(dir.resolve("a.log"), "first\n" + longLine + "\nlast\n");
        assertThat(LogTail.lastLines(file, 2)).containsExactly(longLine, "last");
        assertThat(LogTail.lastLines(file, 3)).containsExactly("first", longLine, "last");
    }

    @Test
    void fromOffsetStartsAtTheLineHoldingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("a.log"), "aaa\nbbb\nccc\n");
        assertThat(LogTail.lastLines(file, 10, 4)).containsExactly("bbb", "ccc"); // exactly at a line start
        assertThat(LogTail.lastLines(file, 10, 5)).containsExactly("bbb", "ccc"); // inside a line: the whole line
        assertThat(LogTail.lastLines(file, 1, 4)).containsExactly("ccc");
        assertThat(LogTail.lastLines(file, 10, 12)).isEmpty(); // nothing written since
    }

    @Test
    void indexAnswersTheOffsetAtOrBeforeATimeAndSurvivesReopening() throws IOException {
        Path file = dir.resolve("a.idx");
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        LogIndex index = new LogIndex(file);
        index.sample(t0, 0);
        index.sample(t0.plusSeconds(1), 0); // unchanged: not kept
        index.sample(t0.plusSeconds(2), 100);
        index.sample(t0.plusSeconds(3), 250);

        LogIndex reopened = new LogIndex(file);
        for (LogIndex i : List.of(index, reopened)) {
            assertThat(i.offsetAt(t0.minusSeconds(1))).isZero();
            assertThat(i.offsetAt(t0.plusSeconds(1))).isZero();
            assertThat(i.offsetAt(t0.plusMillis(2500))).isEqualTo(100);
            assertThat(i.offsetAt(t0.plusSeconds(60))).isEqualTo(250);
            assertThat(i.lastGrowth()).contains(t0.plusSeconds(3));
        }
        assertThat(Files.size(file)).isEqualTo(3 * 16);
    }

    private static String line(int i) {
        return "%09d the quick brown fox jumps over the lazy dog; the quick brown fox jumps over the lazy".formatted(i);
    }
}
