package dev.kiln.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * List latency: {@code requests} GETs of
 * {@code /api/v1/workloads?workspaceId=X&phase=Running,Pending&userName=<fragment>&sortBy=creationTime&limit=100}
 * from {@code clients} concurrent keep-alive connections, varying workspace and user-name fragment; after
 * {@code warmup} untimed requests. Prints p50/p90/p99/max and the errors.
 *
 * <p>Usage: {@code ListLoad BASE_URL [requests=2000] [clients=4] [warmup=300]}
 */
public final class ListLoad {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        List<String> fragments = fragments();

        run(base, warmup, clients, fragments, new Random(1), false);
        long t0 = System.nanoTime();
        Result r = run(base, requests, clients, fragments, new Random(2), true);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("requests           %d (after %d warm-up), %d clients, %.0f req/s%n", requests, warmup, clients, requests / secs);
        System.out.printf("latency ms         p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f%n",
                r.stats.pct(50), r.stats.pct(90), r.stats.pct(99), r.stats.maxMs(), r.stats.meanMs());
        System.out.printf("totalCount         mean %.0f per request, items mean %.1f%n",
                r.totalCount.get() / (double) requests, r.items.get() / (double) requests);
        System.out.printf("errors             %d%n", r.errors.get());
        System.exit(r.errors.get() == 0 ? 0 : 1);
    }

    record Result(Stats stats, AtomicInteger errors, AtomicLong totalCount, AtomicLong items) {}

    /** Substrings (2-6 chars) of the bulk loader's user names, some upper-cased: the fuzzy filter is case-insensitive. */
    static List<String> fragments() {
        Random rnd = new Random(7);
        List<String> out = new ArrayList<>();
        List<String> names = BulkLoad.userNames();
        for (int i = 0; i < 500; i++) {
            String n = names.get(rnd.nextInt(names.size()));
            int len = 2 + rnd.nextInt(5);
            int from = rnd.nextInt(Math.max(1, n.length() - len));
            String f = n.substring(from, Math.min(n.length(), from + len));
            out.add(rnd.nextInt(5) == 0 ? f.toUpperCase() : f);
        }
        return out;
    }

    static Result run(String base, int requests, int clients, List<String> fragments, Random rnd, boolean record) throws Exception {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String ws = BulkLoad.WORKSPACES[rnd.nextInt(BulkLoad.WORKSPACES.length)];
            String frag = fragments.get(rnd.nextInt(fragments.size()));
            paths.add("/api/v1/workloads?workspaceId=" + ws + "&phase=Running,Pending&userName="
                    + URLEncoder.encode(frag, StandardCharsets.UTF_8) + "&sortBy=creationTime&limit=100");
        }
        AtomicInteger next = new AtomicInteger();
        Result result = new Result(new Stats(), new AtomicInteger(), new AtomicLong(), new AtomicLong());
        List<Thread> threads = new ArrayList<>();
        java.util.regex.Pattern total = java.util.regex.Pattern.compile("\"totalCount\":(\\d+)");
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                Stats local = new Stats();
                try (RawHttp http = new RawHttp(URI.create(base))) {
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        long t0 = System.nanoTime();
                        try {
                            RawHttp.Response resp = http.get(paths.get(i));
                            long t1 = System.nanoTime();
                            if (resp.status() != 200) {
                                if (result.errors.incrementAndGet() <= 3) System.out.println("error: " + resp.status() + " " + resp.body());
                                continue;
                            }
                            local.add(t1 - t0);
                            var m = total.matcher(resp.body());
                            if (m.find()) result.totalCount.addAndGet(Long.parseLong(m.group(1)));
                            int items = 0;
                            for (int k = resp.body().indexOf("\"workloadId\""); k >= 0; k = resp.body().indexOf("\"workloadId\"", k + 1)) items++;
                            result.items.addAndGet(items);
                        } catch (Exception e) {
                            if (result.errors.incrementAndGet() <= 3) System.out.println("error: " + e);
                        }
                    }
                }
                synchronized (result) {
                    result.stats.addAll(local);
                }
            }));
        }
        for (Thread t : threads) t.join();
        return result;
    }
}
