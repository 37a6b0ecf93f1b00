package dev.kiln.runtime.local;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps time to a log file's size, so that "lines written in the last N seconds" can be answered although the pod
 * writes its log directly (the server never sees the bytes go by). The runtime samples the file size about once a
 * second; a sample is kept only when the size changed, and appended to a small side file (16 bytes each) so the
 * index survives a server restart.
 *
 * <p>Granularity: {@link #offsetAt} returns the size at the latest sample taken at or before the time asked for.
 * Lines written between that sample and the time asked for are included too, so a {@code since} query may return
 * up to one sampling interval more than asked, never less.
 */
final class LogIndex {
    /** Past this many samples, every second older sample is dropped: old history gets coarser, never wrong. */
    static final int MAX_SAMPLES = 8192;

    private final Path file;
    private final List<long[]> samples = new ArrayList<>(); // {epochMillis, size}
    private Instant lastGrowth;
    private boolean loaded;

    LogIndex(Path file) {
        this.file = file;
    }

    /** Records the log's size at {@code now} if it changed since the last sample. */
    synchronized void sample(Instant now, long size) throws IOException {
        load();
        long previous = samples.isEmpty() ? -1 : samples.getLast()[1];
        if (size == previous) {
            return;
        }
        if (previous >= 0 && size > previous || previous < 0 && size > 0) {
            lastGrowth = now;
        }
        add(now.toEpochMilli(), size);
        ByteBuffer record = ByteBuffer.allocate(16).putLong(now.toEpochMilli()).putLong(size);
        try (OutputStream out = Files.newOutputStream(
                file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            out.write(record.array());
        }
    }

    /** The log size at the latest sample at or before {@code time}; 0 when there is none (the log's beginning). */
    synchronized long offsetAt(Instant time) throws IOException {
        load();
        long millis = time.toEpochMilli();
        long offset = 0;
        for (int low = 0, high = samples.size() - 1; low <= high; ) {
            int mid = (low + high) >>> 1;
            if (samples.get(mid)[0] <= millis) {
                offset = samples.get(mid)[1];
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return offset;
    }

    /** When the log was last seen to grow. */
    synchronized Optional<Instant> lastGrowth() throws IOException {
        load();
        return Optional.ofNullable(lastGrowth);
    }

    private void add(long millis, long size) {
        samples.add(new long[] {millis, size});
        if (samples.size() > MAX_SAMPLES) {
            int half = samples.size() / 2;
            List<long[]> kept = new ArrayList<>(samples.size());
            for (int i = 0; i < samples.size(); i++) {
                if (i >= half || i % 2 == 0) {
                    kept.add(samples.get(i));
                }
            }
            samples.clear();
            samples.addAll(kept);
        }
    }

    private void load() throws IOException {
        if (loaded) {
            return;
        }
        loaded = true;
        if (Files.exists(file) && Files.size(file) % 16 != 0) {
            // a torn last record (crash mid-append): drop it so later appends stay aligned
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(channel.size() - channel.size() % 16);
            }
        }
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
            long previous = -1;
            while (true) {
                long millis;
                long size;
                try {
                    millis = data.readLong();
                    size = data.readLong();
                } catch (EOFException e) {
                    break;
                }
                if (previous >= 0 && size > previous || previous < 0 && size > 0) {
                    lastGrowth = Instant.ofEpochMilli(millis);
                }
                previous = size;
                add(millis, size);
            }
        } catch (NoSuchFileException e) {
            // never sampled
        }
    }
}
