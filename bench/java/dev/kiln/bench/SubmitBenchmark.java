package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Against a running Kiln server (a separate process):
 * <ul>
 *   <li>{@code latency URL N}: N sequential submits of a trivial job ({@code true}); for each, the time from the
 *       start of the POST (and from its return) until GET shows a phase other than Pending, polling every 1 ms.
 *   <li>{@code drain URL N [CLIENTS]}: N {@code true} jobs submitted at once by CLIENTS threads; the time until all
 *       are Succeeded, as jobs/s.
 * </ul>
 */
public final class SubmitBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String base = args[1] + "/api/v1";
        int n = Integer.parseInt(args[2]);
        switch (mode) {
            case "latency" -> latency(base, n);
            case "drain" -> drain(base, n, args.length > 3 ? Integer.parseInt(args[3]) : 8);
            default -> throw new IllegalArgumentException("mode: latency | drain");
        }
    }

    static String body(String name) throws Exception {
        return JSON.writeValueAsString(Map.of(
                "displayName", name, "workspaceId", "default", "image", "none",
                "entryPoint", Base64.getEncoder().encodeToString("true".getBytes()),
                "ttlSecondsAfterFinished", 3600,
                "resource", Map.of("replica", 1, "cpu", "1", "memory", "1Gi", "ephemeralStorage", "1Gi")));
    }

    static String submit(String base, String name) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/workloads"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(name))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).get("workloadId").asText();
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static void latency(String base, int n) throws Exception {
        int warmup = Math.min(50, n / 5);
        long[] fromStart = new long[n];
        long[] fromReturn = new long[n];
        for (int i = -warmup; i < n; i++) {
            long t0 = System.nanoTime();
            String id = submit(base, "lat-" + i);
            long t1 = System.nanoTime();
            long deadline = t1 + Duration.ofSeconds(30).toNanos();
            while (get(base + "/workloads/" + id).get("phase").asText().equals("Pending")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(id + " still Pending after 30 s");
                }
                Thread.sleep(1);
            }
            long t2 = System.nanoTime();
            if (i >= 0) {
                fromStart[i] = t2 - t0;
                fromReturn[i] = t2 - t1;
            }
        }
        System.out.printf("submit->not Pending over %d sequential submits (after %d warm-up)%n", n, warmup);
        print("from POST start ", fromStart);
        print("from POST return", fromReturn);
    }

    static void print(String label, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("  %s: p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms%n", label,
                ms(pct(s, 50)), ms(pct(s, 90)), ms(pct(s, 99)), ms(s[s.length - 1]));
    }

    static long pct(long[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static void drain(String base, int n, int clients) throws Exception {
        String prefix = "drain-" + Long.toString(System.nanoTime() % 100000, 36);
        long t0 = System.nanoTime();
        List<Future<String>> ids = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < n; i++) {
                int k = i;
                ids.add(pool.submit(() -> submit(base, prefix + "-" + k)));
            }
            for (Future<String> f : ids) {
                f.get();
            }
        }
        long submitted = System.nanoTime();
        long deadline = submitted + Duration.ofMinutes(10).toNanos();
        String query = base + "/workloads?workspaceId=default&phase=Succeeded&limit=1&description=&workloadId=" + prefix;
        long done = 0;
        while (done < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + done + " of " + n + " Succeeded after 10 min");
            }
            Thread.sleep(20);
            done = get(query).get("totalCount").asLong();
        }
        long end = System.nanoTime();
        System.out.printf("drain: %d `true` jobs, %d submitting clients%n", n, clients);
        System.out.printf("  all submitted in %.2f s (%.0f submits/s)%n", (submitted - t0) / 1e9, n / ((submitted - t0) / 1e9));
        System.out.printf("  all Succeeded after %.2f s: %.1f jobs/s end to end%n", (end - t0) / 1e9, n / ((end - t0) / 1e9));
    }
}
