package dev.authbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: help texts list every setting, and help exits 0. */
class CliTest {
    @Test
    void serveHelpListsEverySettingsFlagAndVariable() {
        StringWriter out = new StringWriter();
        int code = run(out, "serve", "--help");
        assertThat(code).isZero();
        String help = out.toString();
        assertThat(help).contains("--config");
        for (Setting s : Setting.values()) {
            assertThat(help).as(s.name()).contains(s.flag() + "=").contains(s.envName());
        }
    }

    /** Every check's failure makes it exit 1, so this fails when any grant or endpoint breaks. */
    @Test
    void selfcheckRunsEveryFlowOnAThrowAwayNode() {
        assertThat(Main.commandLine().execute("selfcheck")).isZero();
    }

    @Test
    void rootHelpExitsZeroAndMentionsServe() {
        StringWriter out = new StringWriter();
        assertThat(run(out, "--help")).isZero();
        assertThat(out.toString()).contains("serve").contains("Usage:");
    }

    @Test
    void unknownOptionIsAUsageError() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("serve", "--no-such-flag")).isNotZero();
        assertThat(err.toString()).contains("--no-such-flag");
    }

    @Test
    void hashRateMeasuresTheNodesArgon2idAtTheGivenCost() {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("hash-rate", "--json", "--seconds", "1", "--argon2-memory-kib", "64",
                    "--argon2-iterations", "1");
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).isZero();
        String json = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        assertThat(json).contains("\"implementation\":\"libsodium\"", "\"memory_kib\":64", "\"iterations\":1",
                "\"threads\":" + Runtime.getRuntime().availableProcessors());
        assertThat(Double.parseDouble(json.replaceAll(".*\"per_s\":([0-9.]+).*", "$1"))).isPositive();
    }

    @Test
    void hashRateRefusesAnOutOfRangeDuration() {
        assertThat(Main.commandLine().execute("hash-rate", "--seconds", "0")).isEqualTo(Failures.CONFIG);
    }

    private static int run(StringWriter out, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }
}
