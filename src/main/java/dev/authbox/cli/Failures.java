package dev.authbox.cli;

import dev.authbox.config.ConfigException;
import dev.authbox.store.StoreException;
import java.util.function.Supplier;

/** Turns the failures an operator can fix into a one-line message and an exit code, not a stack trace. */
final class Failures {
    static final int CONFIG = 2;
    static final int DATABASE = 3;

    private Failures() {
    }

    /** Runs the step; on a configuration or database failure prints why and returns its exit code. */
    static int exitCode(Supplier<Integer> step) {
        try {
            return step.get();
        } catch (ConfigException e) {
            System.err.println("authbox: configuration error: " + e.getMessage());
            return CONFIG;
        } catch (StoreException e) {
            System.err.println("authbox: database error: " + e.getMessage());
            return DATABASE;
        }
    }
}
