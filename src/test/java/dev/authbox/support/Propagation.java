package dev.authbox.support;

/**
 * How long a change took to reach a node, measured as the promise for it is stated: by when the
 * last request that still saw the old state was sent, not by when the first answer with the new
 * state came back. A slow answer on a loaded machine does not make a change late; a request sent
 * after the bound that still sees the old state does.
 */
public final class Propagation {
    public static final long GIVE_UP_MILLIS = 5_000;

    /** One poll: whether the node now shows the new state. */
    @FunctionalInterface
    public interface Poll {
        boolean sawNewState() throws Exception;
    }

    private Propagation() {
    }

    /**
     * Polls every {@code pollMillis} until the new state shows and returns when, in milliseconds
     * after this call, the last poll that still saw the old state was sent (-1 when the first poll
     * saw the new one), or Long.MAX_VALUE when the old state outlived {@link #GIVE_UP_MILLIS}.
     */
    public static long lastSawOldState(long pollMillis, Poll poll) throws Exception {
        long change = System.nanoTime();
        long lastOld = -1;
        while (true) {
            long sent = System.nanoTime();
            if (poll.sawNewState()) {
                return lastOld;
            }
            lastOld = (sent - change) / 1_000_000;
            if (lastOld > GIVE_UP_MILLIS) {
                return Long.MAX_VALUE;
            }
            Thread.sleep(pollMillis);
        }
    }

    /** A result of {@link #lastSawOldState} for an assertion's message. */
    public static String describe(long millis) {
        return millis == Long.MAX_VALUE ? "after " + GIVE_UP_MILLIS + " ms (gave up)" : millis + " ms after the change";
    }
}
