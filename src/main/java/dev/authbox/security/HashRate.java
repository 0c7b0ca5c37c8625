package dev.authbox.security;

import dev.authbox.config.Settings.Argon2Params;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How many Argon2id hashes a second this machine computes through a {@link PasswordHasher}, with
 * as many at once as it runs (one per core for one lane): the most password checks, so logins,
 * a node can do at that cost. Operators read it to choose a cost; the benchmark compares the
 * password grant with it.
 */
public final class HashRate {
    /** {@code hashes} finished within {@code seconds} by {@code threads} at once. */
    public record Result(String implementation, Argon2Params cost, int threads, int hashes, double seconds) {
        public double perSecond() {
            return hashes / seconds;
        }
    }

    private HashRate() {
    }

    /** Hashes for {@code warmupMillis} unrecorded (JIT, native library, memory), then counts for {@code millis}. */
    public static Result measure(PasswordHasher hasher, long warmupMillis, long millis) {
        int threads = hasher.concurrentHashes();
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            run(hasher, callers, threads, warmupMillis);
            long start = System.nanoTime();
            int hashes = run(hasher, callers, threads, millis);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(hasher.implementation(), hasher.params(), threads, hashes, seconds);
        } finally {
            callers.shutdownNow();
        }
    }

    /** Hashes from {@code threads} callers until the time is up; the number finished. */
    private static int run(PasswordHasher hasher, ExecutorService callers, int threads, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        List<Future<Integer>> counts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            counts.add(callers.submit(() -> {
                int n = 0;
                while (System.nanoTime() < deadline) {
                    hasher.hash("correct horse battery staple");
                    n++;
                }
                return n;
            }));
        }
        int total = 0;
        for (Future<Integer> count : counts) {
            try {
                total += count.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("hashing failed: " + e.getCause(), e.getCause());
            }
        }
        return total;
    }
}
