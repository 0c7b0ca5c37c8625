package dev.authbox.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
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

    @Test
    void aNegativeBoundIsRefused() {
        assertThatThrownBy(() -> new SigningTurns(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Runs the call on CALLERS threads at once and fails with the first failure. */
    private static void runConcurrently(Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
