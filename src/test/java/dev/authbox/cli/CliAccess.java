package dev.authbox.cli;

/** Runs the authbox command line in-process, for tests outside this package. */
public final class CliAccess {
    private CliAccess() {
    }

    public static int run(String... args) {
        return Main.commandLine().execute(args);
    }
}
