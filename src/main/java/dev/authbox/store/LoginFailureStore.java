package dev.authbox.store;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Counts of failed logins per key within a window that starts at the first failure. */
public final class LoginFailureStore {
    /** A key's row: its failure count and the start of its window (which may have closed). */
    public record FailureWindow(int failures, long windowStart) {
    }

    private final Jdbc jdbc;

    public LoginFailureStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The rows of these keys, open or closed windows alike; keys without a row are absent. */
    public Map<String, FailureWindow> windows(List<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        return jdbc.query("SELECT throttle_key, failures, window_start FROM login_failure WHERE throttle_key IN ("
                                + Jdbc.placeholders(keys.size()) + ")",
                        rs -> Map.entry(rs.getString(1), new FailureWindow(rs.getInt(2), rs.getLong(3))), keys.toArray())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
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

    /** Deletes up to {@code limit} rows whose window opened before {@code windowStartBefore} (closed ones). */
    public int deleteClosed(long windowStartBefore, int limit) {
        return jdbc.deleteBatch("login_failure", "throttle_key", "window_start", "window_start < ?", limit,
                windowStartBefore);
    }

    public void reset(String key) {
        jdbc.update("DELETE FROM login_failure WHERE throttle_key = ?", key);
    }
}
