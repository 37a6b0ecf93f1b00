package dev.kiln.runtime.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the last lines of a log file backwards from its end in fixed blocks, so the cost depends on the lines
 * returned and not on the size of the file (as {@code tail -n} does).
 */
public final class LogTail {
    static final int BLOCK = 64 * 1024;

    private LogTail() {}

    /** The last {@code maxLines} lines of {@code file}; see {@link #lastLines(Path, int, long)}. */
    public static List<String> lastLines(Path file, int maxLines) throws IOException {
        return lastLines(file, maxLines, 0);
    }

    /**
     * The last {@code maxLines} lines of {@code file} that end after byte offset {@code from} (a line that
     * straddles {@code from} is included whole), in original order, without the empty string a final newline
     * would give. A missing file yields an empty list.
     */
    public static List<String> lastLines(Path file, int maxLines, long from) throws IOException {
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines " + maxLines + " is out of range: must be at least 1");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                return List.of();
            }
            // The content ends before a final newline: that newline terminates the last line, it does not start one.
            long end = size;
            if (byteAt(channel, size - 1) == '\n') {
                end = size - 1;
            }
            if (from >= size) {
                return List.of();
            }
            long start = findStart(channel, end, maxLines, Math.max(0, from));
            ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(end - start));
            readFully(channel, content, start);
            return split(new String(content.array(), 0, content.position(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Walks back from {@code end} block by block until {@code maxLines} line starts are found or {@code from} is passed. */
    private static long findStart(FileChannel channel, long end, int maxLines, long from) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        int newlines = 0;
        long blockEnd = end;
        while (blockEnd > 0) {
            long blockStart = Math.max(0, blockEnd - BLOCK);
            block.clear().limit((int) (blockEnd - blockStart));
            readFully(channel, block, blockStart);
            byte[] bytes = block.array();
            for (int i = (int) (blockEnd - blockStart) - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    long lineStart = blockStart + i + 1;
                    newlines++;
                    if (newlines == maxLines || lineStart <= from) {
                        return lineStart;
                    }
                }
            }
            blockEnd = blockStart;
        }
        return 0;
    }

    private static List<String> split(String text) {
        List<String> lines = new ArrayList<>();
        int lineStart = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', lineStart)) {
            lines.add(text.substring(lineStart, i));
            lineStart = i + 1;
        }
        lines.add(text.substring(lineStart));
        return lines;
    }

    private static byte byteAt(FileChannel channel, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        readFully(channel, one, position);
        return one.get(0);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                break; // the file shrank under us (truncated log): return what there is
            }
            at += read;
        }
    }
}
