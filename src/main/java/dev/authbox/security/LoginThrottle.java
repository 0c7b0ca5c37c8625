package dev.authbox.security;

import dev.authbox.store.LoginFailureStore;
import java.time.Instant;
import java.util.Locale;

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

    /** Throws ThrottledException when the username or the address has used up its attempts. */
    public void check(String username, String address) {
        long now = Instant.now().getEpochSecond();
        String user = userKey(username);
        if (store.failures(user, now, windowSeconds) >= maxPerUser) {
            throw new ThrottledException(store.secondsLeft(user, now, windowSeconds));
        }
        String addr = addressKey(address);
        if (addr != null && store.failures(addr, now, windowSeconds) >= maxPerAddress) {
            throw new ThrottledException(store.secondsLeft(addr, now, windowSeconds));
        }
    }

    public void failed(String username, String address) {
        long now = Instant.now().getEpochSecond();
        store.recordFailure(userKey(username), now, windowSeconds);
        String addr = addressKey(address);
        if (addr != null) {
            store.recordFailure(addr, now, windowSeconds);
        }
    }

    public void succeeded(String username) {
        store.reset(userKey(username));
    }

    private static String userKey(String username) {
        String u = username.toLowerCase(Locale.ROOT);
        return "u:" + (u.length() > 300 ? RandomTokens.sha256(u) : u);
    }

    private static String addressKey(String address) {
        return address == null || address.isEmpty() ? null : "a:" + address;
    }
}
