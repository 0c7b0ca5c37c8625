package dev.authbox.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SigningTurnsTest {
    private static final int CALLERS = 8;

    @Test
    void atMostTheConfiguredNumberSignAtOnceAndEveryoneGetsATurn() throws Exception {
        SigningTurns turns = new SigningTurns(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger signed = new AtomicInteger();
        runConcurrently(() -> turns.run(() -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            sleep(100);
            inside.decrementAndGet();
            signed.incrementAndGet();
        }));
        assertThat(signed).hasValue(CALLERS);
        assertThat(most.get()).as("signatures at once").isEqualTo(2);
    }

    @Test
    void zeroMeansNoBound() throws Exception {
        SigningTurns turns = new SigningTurns(0);
        // Every caller must be inside at the same time to pass the barrier: a bound would time it out.
        CyclicBarrier allInside = new CyclicBarrier(CALLERS);
        runConcurrently(() -> turns.run(() -> {
            try {
                allInside.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new JOSEException("not all callers were signing at once", e);
            }
        }));
    }

    @Test
    void aFailedSignatureGivesItsTurnBack() throws Exception {
        SigningTurns turns = new SigningTurns(1);
        assertThatThrownBy(() -> turns.run(() -> {
            throw new JOSEException("boom");
        })).isInstanceOf(JOSEException.class).hasMessage("boom");
        AtomicInteger signed = new AtomicInteger();
        runConcurrently(() -> turns.run(signed::incrementAndGet));
        assertThat(signed).hasValue(CALLERS);
    }

    /**
     * The first caller asks again the moment it gives its turn back, racing the waiter it wakes:
     * in arrival order the waiter always goes first; without it the first caller would often take
     * the turn straight back, so some of the rounds would show it.
     */
    @Test
    void aTurnGivenBackGoesToTheCallerWaitingLongest() throws Exception {
        for (int round = 0; round < 200; round++) {
            SigningTurns turns = new SigningTurns(1);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch inTurn = new CountDownLatch(1);
            CountDownLatch waiterQueued = new CountDownLatch(1);
            Thread first = daemon(() -> {
                turns.run(() -> {
                    inTurn.countDown();
                    await(waiterQueued);
                });
                turns.run(() -> order.add("first, again"));
            });
            Thread waiter = daemon(() -> turns.run(() -> order.add("waiter")));
            first.start();
            await(inTurn);
            waiter.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waiter.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(waiter.getState()).as("the waiter queued for the turn").isEqualTo(Thread.State.WAITING);
            waiterQueued.countDown();
            first.join(10_000);
            waiter.join(10_000);
            assertThat(order).as("round %d", round).containsExactly("waiter", "first, again");
        }
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThatThrownBy(() -> new SigningTurns(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Runs the call on CALLERS threads at once and fails with the first failure. */
    private static void runConcurrently(Call call) throws Exception {
        // Daemon threads: should a turn leak, callers stuck waiting for it must not keep the JVM alive.
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS, SigningTurnsTest::daemonThread);
        try {
            CyclicBarrier start = new CyclicBarrier(CALLERS);
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                done.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    call.run();
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Thread daemon(Call call) {
        return daemonThread(() -> {
            try {
                call.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Thread daemonThread(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
