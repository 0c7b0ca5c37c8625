package dev.authbox.cli;

import dev.authbox.ConsoleLogging;
import dev.authbox.config.SettingsLoader;
import java.util.Map;
import picocli.CommandLine;

/** The {@code authbox} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].equals("serve")) {
            // before the first logger exists: the commands other than serve print their result on stdout
            System.setProperty(ConsoleLogging.TO_STDERR, "true");
        }
        // The usual start, settings from the environment alone, skips building picocli's model of every
        // command and option: a quarter of a second of each start on two cores.
        int code = args.length == 1 && args[0].equals("serve")
                ? ServeCommand.serve(() -> SettingsLoader.load(System.getenv(), null, Map.of()))
                : commandLine().execute(args);
        // serve returns only once a shutdown hook has stopped the node; exiting from here then would deadlock.
        if (code != 0) {
            System.exit(code);
        }
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RootCommand());
        cli.addSubcommand("serve", ServeCommand.commandSpec());
        cli.addSubcommand("keys", KeysCommand.commandSpec());
        cli.addSubcommand("selfcheck", SelfCheckCommand.commandSpec());
        cli.addSubcommand("hash-rate", HashRateCommand.commandSpec());
        return cli;
    }

    @CommandLine.Command(name = "authbox", mixinStandardHelpOptions = true, version = "authbox 0.1.0",
            description = "OAuth 2.0 and OpenID Connect authorization server.%n"
                    + "Settings come from AUTHBOX_* environment variables, then the --config YAML file, then flags.",
            footer = "%nRun 'authbox serve --help' for every setting.")
    static final class RootCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }
}
