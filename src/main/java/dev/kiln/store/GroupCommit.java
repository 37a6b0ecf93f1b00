package dev.kiln.store;

import static java.util.Objects.requireNonNull;

import dev.kiln.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: every commit is a durable write to the database file, so concurrent inserts (creates, audit
 * entries) are gathered and written in one transaction by one writer thread. Each caller still returns only once
 * its own row is committed (a 200 means committed); a lone insert waits for nothing but its own commit.
 */
public final class GroupCommit<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_BATCH = 256;

    private record Pending<T>(T row, CompletableFuture<Void> done) {}

    private final java.util.function.Consumer<List<T>> insertAll;
    private final java.util.function.Consumer<T> insertOne;
    private final LinkedBlockingQueue<Pending<T>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param insertAll writes a batch in one transaction, all or nothing
     * @param insertOne writes one row (after a batch failed, so one bad row fails only its own caller)
     */
    public GroupCommit(String name, java.util.function.Consumer<List<T>> insertAll, java.util.function.Consumer<T> insertOne) {
        this.insertAll = requireNonNull(insertAll, "insertAll is null");
        this.insertOne = requireNonNull(insertOne, "insertOne is null");
        this.writer = new Thread(this::run, "kiln-group-commit-" + name);
        writer.setDaemon(true);
        writer.start();
    }

    /** For creates: one transaction per batch of new workloads. */
    public static GroupCommit<Workload> workloads(WorkloadStore store) {
        return new GroupCommit<>("workloads", store::insertAll, store::insert);
    }

    /** Inserts {@code row}; returns once it is committed, or throws what its insert threw. */
    public void insert(T row) {
        if (closed) {
            insertOne.accept(row);
            return;
        }
        Pending<T> p = new Pending<>(row, new CompletableFuture<>());
        queue.add(p);
        try {
            p.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void run() {
        List<Pending<T>> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            write(batch);
            batch.clear();
        }
        for (Pending<T> p; (p = queue.poll()) != null; ) {
            write(List.of(p));
        }
    }

    private void write(List<Pending<T>> batch) {
        try {
            insertAll.accept(batch.stream().map(Pending::row).toList());
            batch.forEach(p -> p.done().complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            // one bad row (a taken id) must not fail the others: write them one by one
            for (Pending<T> p : batch) {
                try {
                    insertOne.accept(p.row());
                    p.done().complete(null);
                } catch (RuntimeException each) {
                    p.done().completeExceptionally(each);
                }
            }
            if (!(e instanceof WorkloadStore.DuplicateIdException)) {
                log.warn("a batch of {} inserts failed; wrote them one by one", batch.size(), e);
            }
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
