package dev.authbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Setting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /**
     * A bare {@code serve} reads its settings without picocli; with or without a flag, the same
     * environment must give the same answer.
     */
    @Test
    void bareServeAndServeWithAFlagCheckTheEnvironmentAlike() throws Exception {
        for (String[] args : new String[][] {{"serve"}, {"serve", "--host=127.0.0.1"}}) {
            ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName());
            launch.command().addAll(List.of(args));
            launch.environment().put("AUTHBOX_PORT", "not-a-port");
            Path log = Files.createTempFile("authbox-serve", ".log");
            launch.redirectErrorStream(true).redirectOutput(log.toFile());
            Process process = launch.start();
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            process.destroyForcibly();
            String output = Files.readString(log);
            Files.delete(log);
            assertThat(exited).as(String.join(" ", args) + " stopped by itself: " + output).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", args) + ": " + output).isEqualTo(Failures.CONFIG);
            assertThat(output).as(String.join(" ", args)).contains("configuration error", "AUTHBOX_PORT");
        }
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
