package dev.authbox.token;

import com.nimbusds.jose.JOSEException;
import java.util.concurrent.Semaphore;

/**
 * How many JWS signatures run at once, with turns granted in arrival order. An RS256 signature is
 * most of the CPU of a response that carries a JWT. On JDK 17, where each request has a platform
 * thread, more requests signing than there are cores preempt one another mid-signature and finish
 * in the scheduler's order, so under saturation a few wait many times the mean; queued in order,
 * they finish in order. In two full runs an hour apart on 2 cores (bench/README.md, session 10),
 * twice the cores as turns cut p99 by 26–83% while cc-jwt lost 19–20% of its throughput and
 * refresh 14–16% (node-oidc-provider was 5–7% slower in the second run too): a choice, so the
 * default is no bound. On JDK 21+ request threads are virtual, run one per core and are not
 * time-sliced, so only a bound below the cores changes anything there. Uncontended, a turn costs
 * two compare-and-sets.
 */
public final class SigningTurns {
    /** The signing, run inside a turn. */
    @FunctionalInterface
    interface Signing {
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
     * Runs the signing once a turn is free. The wait is uninterruptible: it lasts a few
     * signatures' time, and a refresh waiting here has already committed its rotation, so giving
     * up would cost the client its refresh token.
     */
    void run(Signing signing) throws JOSEException {
        if (turns == null) {
            signing.sign();
            return;
        }
        turns.acquireUninterruptibly();
        try {
            signing.sign();
        } finally {
            turns.release();
        }
    }
}
