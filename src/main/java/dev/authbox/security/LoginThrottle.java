package dev.authbox.security;

import dev.authbox.store.LoginFailureStore;
import dev.authbox.store.LoginFailureStore.FailureWindow;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Brute-force throttling of password checks (password grant and login page): after too many
 * failures for one username, or many more from one client address, within a window, further
 * attempts are refused without checking the password until the window closes. State lives in the
 * database, so the limit holds across nodes. A success clears the username's count.
 */
public final class LoginThrottle {
    /** Attempts are blocked; {@code retryAfter} seconds until the window closes. */
    public static final class ThrottledException extends RuntimeException {
        private final long retryAfter;

        public ThrottledException(long retryAfter) {
            super("too many failed attempts; retry in " + retryAfter + " s", null, false, false);
            this.retryAfter = retryAfter;
        }

        public long retryAfter() {
            return retryAfter;
        }
    }

    private final LoginFailureStore store;
    private final int maxPerUser;
    private final int maxPerAddress;
    private final long windowSeconds;

    public LoginThrottle(LoginFailureStore store, int maxPerUser, long windowSeconds) {
        this.store = store;
        this.maxPerUser = maxPerUser;
        // An address may be shared (NAT), and attackers spray many usernames: allow it more, but not unlimited.
        this.maxPerAddress = maxPerUser * 4;
        this.windowSeconds = windowSeconds;
    }

    /** One password check let through by {@link #check}; report its outcome exactly once. */
    public final class Attempt {
        private final String userKey;
        private final String addressKey;
        private final boolean userHasRow;

        private Attempt(String userKey, String addressKey, boolean userHasRow) {
            this.userKey = userKey;
            this.addressKey = addressKey;
            this.userHasRow = userHasRow;
        }

        public void failed() {
            long now = Instant.now().getEpochSecond();
            store.recordFailure(userKey, now, windowSeconds);
            if (addressKey != null) {
                store.recordFailure(addressKey, now, windowSeconds);
            }
        }

        /** Clears the username's count; a write only when it had one, so a clean login stays read-only. */
        public void succeeded() {
            if (userHasRow) {
                store.reset(userKey);
            }
        }
    }

    /**
     * Throws ThrottledException when the username or the address has used up its attempts; otherwise
     * the attempt, on which the caller reports the outcome. One query reads both counts.
     */
    public Attempt check(String username, String address) {
        long now = Instant.now().getEpochSecond();
        String user = userKey(username);
        String addr = addressKey(address);
        Map<String, FailureWindow> windows = store.windows(addr == null ? List.of(user) : List.of(user, addr));
        refuseIfUsedUp(windows.get(user), maxPerUser, now);
        refuseIfUsedUp(addr == null ? null : windows.get(addr), maxPerAddress, now);
        return new Attempt(user, addr, windows.containsKey(user));
    }

    private void refuseIfUsedUp(FailureWindow window, int max, long now) {
        if (window != null && window.windowStart() > now - windowSeconds && window.failures() >= max) {
            throw new ThrottledException(Math.max(1, window.windowStart() + windowSeconds - now));
        }
    }

    private static String userKey(String username) {
        String u = username.toLowerCase(Locale.ROOT);
        return "u:" + (u.length() > 300 ? RandomTokens.sha256(u) : u);
    }

    private static String addressKey(String address) {
        return address == null || address.isEmpty() ? null : "a:" + address;
    }
}
