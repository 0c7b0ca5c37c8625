package dev.authbox.token;

import com.nimbusds.jose.JOSEException;
import java.util.concurrent.Semaphore;

/**
 * How many JWS signatures run at once, with turns granted in arrival order. An RS256 signature is
 * most of the CPU of a response that carries a JWT. When more requests sign than there are cores,
 * unbounded, they preempt one another mid-signature and finish in the scheduler's order, so under
 * saturation a few wait many times the mean; queued in order, they finish in order. The price is a
 * park and a wake-up per waiting request, which cost 14–20% of cc-jwt's throughput on 2 cores
 * while cutting its p99 by 26–56% (refresh's at 64 connections by 83%; bench/README.md, session 10): a choice, so the
 * default is no bound. Uncontended, a turn costs one compare-and-set.
 */
public final class SigningTurns {
    /** A signature, run inside a turn. */
    @FunctionalInterface
    interface Signature {
        void sign() throws JOSEException;
    }

    private final Semaphore turns;

    /** @param concurrent signatures at once; 0 for no bound */
    public SigningTurns(int concurrent) {
        if (concurrent < 0) {
            throw new IllegalArgumentException("concurrent signatures must be 0 (no bound) or more");
        }
        turns = concurrent == 0 ? null : new Semaphore(concurrent, true);
    }

    /**
     * Runs the signature once a turn is free. The wait is uninterruptible: it lasts a few
     * signatures' time, and the request waiting has already done its checks and writes.
     */
    void run(Signature signature) throws JOSEException {
        if (turns == null) {
            signature.sign();
            return;
        }
        turns.acquireUninterruptibly();
        try {
            signature.sign();
        } finally {
            turns.release();
        }
    }
}
