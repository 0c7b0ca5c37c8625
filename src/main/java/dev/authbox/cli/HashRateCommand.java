package dev.authbox.cli;

import dev.authbox.config.Settings;
import dev.authbox.security.HashRate;
import dev.authbox.security.PasswordHasher;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code authbox hash-rate}: Argon2id hashes per second at the configured cost on this machine,
 * with the implementation a node would use, so that an operator can choose a cost knowing the
 * logins per second it allows. It touches no database.
 */
final class HashRateCommand implements Callable<Integer> {
    private CommandSpec spec;

    private HashRateCommand() {
    }

    static CommandSpec commandSpec() {
        HashRateCommand command = new HashRateCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name("hash-rate").mixinStandardHelpOptions(true);
        spec.usageMessage().description("Measure Argon2id hashes per second at the configured cost"
                + " (AUTHBOX_ARGON2_*), one per core at once as a node runs them: the most password checks a second"
                + " this machine allows. Touches no database.");
        spec.addOption(OptionSpec.builder("--seconds").paramLabel("S").type(int.class).defaultValue("3")
                .description("How long to count, after a one-second warm-up. Default: 3.").build());
        spec.addOption(OptionSpec.builder("--json").description("Print one JSON object instead of a sentence.").build());
        SettingsOptions.addTo(spec);
        command.spec = spec;
        return spec;
    }

    @Override
    public Integer call() {
        return Failures.exitCode(() -> {
            ParseResult parsed = spec.commandLine().getParseResult();
            int seconds = parsed.matchedOptionValue("--seconds", 3);
            if (seconds < 1 || seconds > 600) {
                System.err.println("authbox: --seconds must be between 1 and 600");
                return Failures.CONFIG;
            }
            Settings settings = SettingsOptions.load(parsed);
            HashRate.Result r = HashRate.measure(new PasswordHasher(settings.argon2()), 1000, seconds * 1000L);
            if (parsed.hasMatchedOption("--json")) {
                System.out.printf(Locale.ROOT, "{\"implementation\":\"%s\",\"memory_kib\":%d,\"iterations\":%d,"
                                + "\"parallelism\":%d,\"threads\":%d,\"hashes\":%d,\"seconds\":%.3f,\"per_s\":%.1f}%n",
                        r.implementation(), r.cost().memoryKib(), r.cost().iterations(), r.cost().parallelism(),
                        r.threads(), r.hashes(), r.seconds(), r.perSecond());
            } else {
                System.out.printf(Locale.ROOT, "Argon2id m=%d KiB t=%d p=%d (%s): %.1f hashes/s, %d at a time"
                                + " (%.1f ms each)%n", r.cost().memoryKib(), r.cost().iterations(), r.cost().parallelism(),
                        r.implementation(), r.perSecond(), r.threads(), 1000.0 * r.threads() / r.perSecond());
            }
            return 0;
        });
    }
}
