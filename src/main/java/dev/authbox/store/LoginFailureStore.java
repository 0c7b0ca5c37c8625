package dev.authbox.store;

/** Counts of failed logins per key within a window that starts at the first failure. */
public final class LoginFailureStore {
    private final Jdbc jdbc;

    public LoginFailureStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Failures of the key in the window that is still open at {@code now}; 0 when none. */
    public int failures(String key, long now, long windowSeconds) {
        return jdbc.queryOne("SELECT failures FROM login_failure WHERE throttle_key = ? AND window_start > ?",
                rs -> rs.getInt(1), key, now - windowSeconds).orElse(0);
    }

    /** Counts one more failure, opening a new window when the last one has closed. */
    public void recordFailure(String key, long now, long windowSeconds) {
        for (int attempt = 0; attempt < 3; attempt++) {
            int updated = jdbc.update("UPDATE login_failure SET"
                    + " failures = CASE WHEN window_start > ? THEN failures + 1 ELSE 1 END,"
                    + " window_start = CASE WHEN window_start > ? THEN window_start ELSE ? END"
                    + " WHERE throttle_key = ?", now - windowSeconds, now - windowSeconds, now, key);
            if (updated == 1) {
                return;
            }
            try {
                jdbc.update("INSERT INTO login_failure (throttle_key, failures, window_start) VALUES (?, 1, ?)", key, now);
                return;
            } catch (DuplicateKeyException raced) {
                // another node inserted first: count on its row
            }
        }
    }

    public void reset(String key) {
        jdbc.update("DELETE FROM login_failure WHERE throttle_key = ?", key);
    }

    /** Seconds until the key's window closes. */
    public long secondsLeft(String key, long now, long windowSeconds) {
        return jdbc.queryOne("SELECT window_start FROM login_failure WHERE throttle_key = ?", rs -> rs.getLong(1), key)
                .map(start -> Math.max(1, start + windowSeconds - now)).orElse(1L);
    }
}
