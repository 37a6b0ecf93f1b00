package dev.kiln.bench;

import dev.kiln.runtime.local.LogTail;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reading the last 1,000 lines of a 1 GiB log with {@link LogTail} against {@code tail -n 1000} run as a process.
 * The target is at most 2x tail: the cost must not depend on the size of the file.
 *
 * <p>Usage: {@code LogTailBenchmark [file] [runs]}; the file (default /tmp/kiln-log-tail-bench.log) is created
 * with ~100-byte lines if it is missing or smaller than 1 GiB, and reused otherwise.
 */
public final class LogTailBenchmark {
    private static final long SIZE = 1L << 30;
    private static final int LINES = 1000;

    private LogTailBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/kiln-log-tail-bench.log");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        ensureFile(file);

        List<String> expected = tailProcessLines(file);
        List<String> actual = LogTail.lastLines(file, LINES);
        if (!actual.equals(expected)) {
            throw new AssertionError("LogTail and tail disagree on the last " + LINES + " lines");
        }
        for (int i = 0; i < 5; i++) { // warm up both
            LogTail.lastLines(file, LINES);
            tailProcessLines(file);
        }
        long[] kiln = new long[runs];
        long[] tail = new long[runs];
        long[] spawn = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            List<String> lines = LogTail.lastLines(file, LINES);
            kiln[i] = System.nanoTime() - start;
            if (lines.size() != LINES) {
                throw new AssertionError("expected " + LINES + " lines, got " + lines.size());
            }
            start = System.nanoTime();
            tailProcessLines(file);
            tail[i] = System.nanoTime() - start;
            start = System.nanoTime();
            new ProcessBuilder("true").start().waitFor();
            spawn[i] = System.nanoTime() - start;
        }
        double kilnMedian = median(kiln) / 1e6;
        double tailMedian = median(tail) / 1e6;
        System.out.printf("file: %s (%,d bytes)%n", file, Files.size(file));
        System.out.printf("LogTail.lastLines(%d)  median of %d: %.3f ms%n", LINES, runs, kilnMedian);
        System.out.printf("tail -n %d (process)   median of %d: %.3f ms%n", LINES, runs, tailMedian);
        System.out.printf("spawning `true` alone   median of %d: %.3f ms (tail's process overhead)%n", runs, median(spawn) / 1e6);
        System.out.printf("ratio LogTail / tail: %.3f (target <= 2.0)%n", kilnMedian / tailMedian);
    }

    private static void ensureFile(Path file) throws IOException {
        if (Files.exists(file) && Files.size(file) >= SIZE) {
            return;
        }
        byte[] filler = "the quick brown fox jumps over the lazy dog; the quick brown fox jumps over the lazy dog"
                .getBytes(StandardCharsets.US_ASCII);
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long line = 0; written < SIZE; line++) {
                byte[] number = String.format("%010d ", line).getBytes(StandardCharsets.US_ASCII);
                out.write(number);
                out.write(filler);
                out.write('\n');
                written += number.length + filler.length + 1;
            }
        }
    }

    private static List<String> tailProcessLines(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("tail", "-n", Integer.toString(LINES), file.toString())
                .redirectErrorStream(true)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IOException("tail failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
