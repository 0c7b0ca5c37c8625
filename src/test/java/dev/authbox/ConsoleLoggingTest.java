package dev.authbox;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class ConsoleLoggingTest {
    @Test
    void configuresTheConsoleAtInfoWithTheServersChatterAtWarn() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging logging = new ConsoleLogging();
        logging.setContext(context);

        assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("CONSOLE")).isNotNull();
        assertThat(root.getAppender("CONSOLE").isStarted()).isTrue();
        assertThat(((ConsoleAppender<?>) root.getAppender("CONSOLE")).getTarget()).isEqualTo("System.out");
        assertThat(context.getLogger("org.eclipse.jetty.server.Server").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("dev.authbox.Authbox").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void logsToStandardErrorForCommandsWhoseOutputIsTheirResult() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging logging = new ConsoleLogging();
        logging.setContext(context);
        System.setProperty(ConsoleLogging.TO_STDERR, "true");
        try {
            logging.configure(context);
        } finally {
            System.clearProperty(ConsoleLogging.TO_STDERR);
        }
        assertThat(((ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE")).getTarget())
                .isEqualTo("System.err");
    }

    @Test
    void leavesTheContextToAConfigurationFileWhenOneIsGiven() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging logging = new ConsoleLogging();
        logging.setContext(context);
        System.setProperty("logback.configurationFile", "/nonexistent/logback.xml");
        try {
            assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        } finally {
            System.clearProperty("logback.configurationFile");
        }
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE")).isNull();
    }
}
