package dev.authbox.cli;

import dev.authbox.Authbox;
import dev.authbox.config.Settings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code authbox serve}: starts a node. Its options are the settings ({@link SettingsOptions}), so
 * the help lists every setting with its environment variable and default.
 */
final class ServeCommand implements Callable<Integer> {
    private CommandSpec spec;

    private ServeCommand() {
    }

    static CommandSpec commandSpec() {
        ServeCommand command = new ServeCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name("serve").mixinStandardHelpOptions(true);
        command.spec = spec;
        spec.usageMessage().description("Start an authbox node.",
                "Each setting is read from its environment variable, then from the --config file (key in"
                        + " lower case, e.g. 'port: 9000'), then from its flag; the last one given wins.");
        SettingsOptions.addTo(spec);
        return spec;
    }

    @Override
    public Integer call() {
        return serve(() -> SettingsOptions.load(spec.commandLine().getParseResult()));
    }

    /** Starts a node with these settings and returns its exit code once it has been stopped. */
    static int serve(Supplier<Settings> settingsSource) {
        return Failures.exitCode(() -> {
            Settings settings = settingsSource.get();
            long started = System.nanoTime();
            Authbox node = Authbox.start(settings, System.out);
            System.out.printf("authbox ready on %s://%s:%d in %d ms (issuer %s)%n", settings.tls() ? "https" : "http",
                    settings.host(), node.port(), (System.nanoTime() - started) / 1_000_000, settings.issuer());
            awaitShutdown(node);
            return 0;
        });
    }

    /** Blocks until SIGTERM or Ctrl-C, whose hook stops the node gracefully. */
    private static void awaitShutdown(Authbox node) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "authbox-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
