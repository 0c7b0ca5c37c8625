package dev.authbox.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the writes of concurrent requests together (group commit): a writer thread takes
 * everything queued while the previous commit ran, writes it in one transaction, and each request
 * gets its result once that transaction has committed. Under load many requests share one commit,
 * which is one write of the file on H2 and one WAL flush on PostgreSQL; nothing is acknowledged
 * before it is durable.
 *
 * @param <T> what one request asks to write
 * @param <R> what it gets back
 */
final class GroupCommit<T, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_BATCH = 512;

    /** Writes a batch on the transaction's connection; one result per item, in order. */
    @FunctionalInterface
    interface Batch<T, R> {
        List<R> write(Connection c, List<T> items) throws SQLException;
    }

    /** Writes a batch whose items get nothing back but the commit. */
    @FunctionalInterface
    interface Rows<T> {
        void write(Connection c, List<T> items) throws SQLException;
    }

    /** A group commit of writes that return nothing (inserts). */
    static <T> GroupCommit<T, Void> ofRows(String name, Jdbc jdbc, int writers, Rows<T> rows) {
        return new GroupCommit<>(name, jdbc, writers, (c, items) -> {
            rows.write(c, items);
            return Collections.nCopies(items.size(), null);
        });
    }

    /** One item's statements in a batch. */
    @FunctionalInterface
    interface ItemWrite<T, R> {
        R write(T item) throws SQLException;
    }

    /**
     * Writes each item in the order of its key and returns the results in the items' order: a
     * batch that locks rows in that order on every writer and node waits for another batch locking
     * the same rows (a replay sent twice) instead of deadlocking with it.
     */
    static <T, R> List<R> inLockOrder(List<T> items, Function<T, String> key, ItemWrite<T, R> write) throws SQLException {
        int[] order = IntStream.range(0, items.size()).boxed().sorted(Comparator.comparing(i -> key.apply(items.get(i))))
                .mapToInt(Integer::intValue).toArray();
        List<R> results = new ArrayList<>(Collections.nCopies(items.size(), null));
        for (int i : order) {
            results.set(i, write.write(items.get(i)));
        }
        return results;
    }

    private record Pending<T, R>(T item, CompletableFuture<R> done) {
    }

    private final String name;
    private final Jdbc jdbc;
    private final int writerCount;
    private final Batch<T, R> batch;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param writers more than one lets a batch run its statements while the previous one commits;
     *                they start on the first write
     */
    GroupCommit(String name, Jdbc jdbc, int writers, Batch<T, R> batch) {
        this.name = name;
        this.jdbc = jdbc;
        this.writerCount = writers;
        this.batch = batch;
    }

    /** Writes the item in the next batch and returns its result once that batch has committed. */
    R write(T item) {
        if (!started) {
            start();
        }
        Pending<T, R> p = new Pending<>(item, new CompletableFuture<>());
        queue.add(p);
        // Closed meanwhile: the writers may have left before this item arrived. Taking it back
        // succeeds only if no writer has it; one that has it completes it.
        if (closed && queue.remove(p)) {
            throw shuttingDown();
        }
        try {
            return p.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new StoreException("group commit failed", e.getCause());
        }
    }

    private synchronized void start() {
        if (closed) {
            throw shuttingDown();
        }
        if (started) {
            return;
        }
        for (int i = 0; i < writerCount; i++) {
            Thread t = new Thread(this::writeLoop, "authbox-" + name + "-" + i);
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
        started = true;
    }

    private static StoreUnavailableException shuttingDown() {
        return new StoreUnavailableException("this node is shutting down", null);
    }

    private void writeLoop() {
        List<Pending<T, R>> pending = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                pending.add(first);
                queue.drainTo(pending, MAX_BATCH - 1);
                commit(pending);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failQueued();
                return;
            } catch (Error e) {
                // Out of memory in one batch, say: its requests fail, and the writer goes on, since
                // a dead writer would leave every later request of this store waiting forever.
                pending.forEach(p -> p.done().completeExceptionally(e));
                log.error("{}: a batch of {} writes hit an error; those not committed were refused", name, pending.size(), e);
            } finally {
                pending.clear();
            }
        }
    }

    /** A writer told to stop leaves nobody waiting: what is still queued fails. */
    private void failQueued() {
        for (Pending<T, R> p; (p = queue.poll()) != null; ) {
            p.done().completeExceptionally(shuttingDown());
        }
    }

    private void commit(List<Pending<T, R>> pending) {
        List<T> items = pending.stream().map(Pending::item).toList();
        List<R> results;
        try {
            results = jdbc.inTransaction(c -> {
                List<R> written = batch.write(c, items);
                if (written.size() != items.size()) {
                    throw new IllegalStateException(written.size() + " results for " + items.size() + " items");
                }
                return written;
            });
        } catch (RuntimeException e) {
            if (pending.size() == 1 || e instanceof StoreUnavailableException) {
                pending.forEach(p -> p.done().completeExceptionally(e));
            } else {
                // One bad item must not fail its neighbours: each goes again on its own.
                pending.forEach(p -> commit(List.of(p)));
            }
            return;
        }
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).done().complete(results.get(i));
        }
    }

    /** Finishes what is queued, then stops the writers; later writes are refused. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Thread t : writers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
