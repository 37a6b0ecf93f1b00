package dev.kiln.runtime.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this host offers as the default embedded node: its name, CPUs, memory, the size of the filesystem holding
 * the data directory (the node's ephemeral storage) and its GPUs. Probing never fails: what cannot be read is 0
 * (GPUs) or a safe fallback.
 */
public record HostNode(String name, int cpus, long memoryBytes, long diskBytes, int gpus) {
    private static final Pattern ROCM_GPU = Pattern.compile("^GPU\\[(\\d+)]");

    public HostNode {
        requireNonNull(name, "name is null");
    }

    public static HostNode probe(Path dataDir) {
        return new HostNode(hostName(), Runtime.getRuntime().availableProcessors(), probeMemory(), probeDisk(dataDir), probeGpus());
    }

    static String hostName() {
        for (Path file : List.of(Path.of("/proc/sys/kernel/hostname"), Path.of("/etc/hostname"))) {
            try {
                String name = Files.readString(file).strip();
                if (!name.isEmpty()) {
                    return name.toLowerCase(Locale.ROOT);
                }
            } catch (IOException e) {
                // try the next source
            }
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env.strip().toLowerCase(Locale.ROOT) : "localhost";
    }

    /** MemTotal from /proc/meminfo; the JVM's own limit where that file is absent (not Linux). */
    static long probeMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    static long probeDisk(Path dataDir) {
        Path existing = dataDir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent(); // the data directory may not have been created yet
        }
        try {
            return existing == null ? 0 : Files.getFileStore(existing).getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** NVIDIA GPUs from {@code nvidia-smi -L}, else AMD GPUs from {@code rocm-smi --showid}, else 0. */
    static int probeGpus() {
        int nvidia = run(List.of("nvidia-smi", "-L"))
                .map(out -> (int) out.lines().filter(line -> line.startsWith("GPU ")).count())
                .orElse(0);
        if (nvidia > 0) {
            return nvidia;
        }
        return run(List.of("rocm-smi", "--showid"))
                .map(out -> {
                    Set<String> ids = new HashSet<>();
                    out.lines().map(String::strip).map(ROCM_GPU::matcher).filter(Matcher::find).forEach(m -> ids.add(m.group(1)));
                    return ids.size();
                })
                .orElse(0);
    }

    private static Optional<String> run(List<String> command) {
        if (LocalRuntime.findExecutable(command.getFirst()).isEmpty()) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            byte[] out = process.getInputStream().readNBytes(1 << 20);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
