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

    private static int run(StringWriter out, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }
}
