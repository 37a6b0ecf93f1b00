package dev.kiln.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Create throughput: N concurrent clients (virtual threads, one shared HTTP/1.1 keep-alive client) POST valid
 * PyTorchJob create bodies for warm-up + measure seconds; prints creates/s, latency percentiles, errors, and checks
 * that the list endpoint's totalCount equals the number of 200s.
 *
 * <p>Usage: {@code CreateLoad BASE_URL [clients=64] [warmupSeconds=5] [measureSeconds=20] [raw|jdk]}: {@code raw}
 * (default) gives each client its own keep-alive connection through {@link RawHttp}; {@code jdk} shares one
 * java.net.http.HttpClient (HTTP/1.1), which needs about 1.5x the server's CPU per request on the same cores.
 */
public final class CreateLoad {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        boolean jdk = args.length > 4 && args[4].equals("jdk");

        ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(vts)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        URI uri = URI.create(base + "/api/v1/workloads");
        String script = Base64.getEncoder().encodeToString(
                "set -e\ntorchrun --nnodes=$NNODES --node_rank=$NODE_RANK train.py --epochs 3\n".getBytes(StandardCharsets.UTF_8));

        long start = System.nanoTime();
        long measureStart = start + warmup * 1_000_000_000L;
        long end = measureStart + measure * 1_000_000_000L;
        AtomicLong ok = new AtomicLong();            // all 200s, warm-up included
        AtomicLong okMeasured = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong errorsMeasured = new AtomicLong();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Stats> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Stats stats = new Stats();
            perClient.add(stats);
            int client = c;
            threads.add(Thread.ofVirtual().name("client-" + c).start(() -> {
                RawHttp raw = new RawHttp(URI.create(base));
                long i = 0;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        return;
                    }
                    String body = "{\"workspaceId\":\"default\",\"displayName\":\"bench train c" + client + " n" + (i++) + "\","
                            + "\"description\":\"create throughput benchmark\","
                            + "\"groupVersionKind\":{\"kind\":\"PyTorchJob\",\"version\":\"v1\"},"
                            + "\"resource\":{\"replica\":1,\"cpu\":\"1\",\"gpu\":\"0\",\"memory\":\"1Gi\"},"
                            + "\"image\":\"pytorch/pytorch:2.4.0\",\"entryPoint\":\"" + script + "\","
                            + "\"priority\":0,\"maxRetry\":2,\"timeout\":3600,"
                            + "\"env\":{\"EPOCHS\":\"3\",\"LR\":\"0.001\"}}";
                    boolean measured = t0 >= measureStart;
                    try {
                        RawHttp.Response resp;
                        if (jdk) {
                            HttpRequest req = HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build();
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            resp = new RawHttp.Response(r.statusCode(), r.body());
                        } else {
                            resp = raw.postJson("/api/v1/workloads", body.getBytes(StandardCharsets.UTF_8));
                        }
                        long t1 = System.nanoTime();
                        if (resp.status() == 200) {
                            ok.incrementAndGet();
                            if (measured && t1 <= end) {
                                okMeasured.incrementAndGet();
                                stats.add(t1 - t0);
                            }
                        } else {
                            errors.incrementAndGet();
                            if (measured) errorsMeasured.incrementAndGet();
                            if (firstErrors.size() < 5) firstErrors.add(resp.status() + " " + resp.body());
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        if (measured) errorsMeasured.incrementAndGet();
                        if (firstErrors.size() < 5) firstErrors.add(e.toString());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        Stats all = new Stats();
        perClient.forEach(all::addAll);

        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/workloads?workspaceId=default&limit=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"totalCount\":(\\d+)").matcher(list.body());
        long totalCount = m.find() ? Long.parseLong(m.group(1)) : -1;

        System.out.printf("clients            %d (%s)%n", clients, jdk ? "one shared java.net.http.HttpClient, HTTP/1.1" : "one keep-alive connection each, RawHttp");
        System.out.printf("warm-up / measure  %d s / %d s%n", warmup, measure);
        System.out.printf("creates (measured) %d%n", okMeasured.get());
        System.out.printf("creates/s          %.0f%n", okMeasured.get() / (double) measure);
        System.out.printf("latency ms         p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f%n",
                all.pct(50), all.pct(90), all.pct(99), all.maxMs(), all.meanMs());
        System.out.printf("errors             %d (measured window %d)%n", errors.get(), errorsMeasured.get());
        firstErrors.forEach(e -> System.out.println("  error: " + e));
        System.out.printf("200s in total      %d%n", ok.get());
        System.out.printf("list totalCount    %d  -> %s%n", totalCount, totalCount == ok.get() ? "OK, nothing lost" : "MISMATCH");
        vts.shutdown();
        System.exit(errors.get() == 0 && totalCount == ok.get() ? 0 : 1);
    }
}
