package dev.authbox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where settings come from, their defaults, their errors, and that secrets stay out of log text. */
class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheFileWhichOverridesTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("AUTHBOX_PORT", "1001", "AUTHBOX_ISSUER", "https://env.example",
                "AUTHBOX_ADMIN_ID", "env-admin", "AUTHBOX_SIGNING_ALG", "ES256");
        Path file = yaml("port: 1002\nissuer: https://file.example/\nadmin_id: file-admin\n");
        Map<Setting, String> flags = Map.of(Setting.PORT, "1003");

        Settings all = SettingsLoader.load(env, file, flags);
        assertThat(all.port()).isEqualTo(1003);
        assertThat(all.issuer()).isEqualTo("https://file.example");
        assertThat(all.adminId()).isEqualTo("file-admin");
        assertThat(all.signingAlg()).as("only in the environment").isEqualTo("ES256");

        Settings envAndFile = SettingsLoader.load(env, file, Map.of());
        assertThat(envAndFile.port()).isEqualTo(1002);

        Settings envOnly = SettingsLoader.load(env, null, Map.of());
        assertThat(envOnly.port()).isEqualTo(1001);
        assertThat(envOnly.issuer()).isEqualTo("https://env.example");
        assertThat(envOnly.adminId()).isEqualTo("env-admin");

        Settings flagOnly = SettingsLoader.load(Map.of(), null, Map.of(Setting.ISSUER, "https://flag.example"));
        assertThat(flagOnly.issuer()).isEqualTo("https://flag.example");
        assertThat(SettingsLoader.load(Map.of("PORT", "1", "authbox_port", "2"), null, Map.of()).port())
                .as("only AUTHBOX_* names count").isEqualTo(8080);
    }

    @Test
    void defaults() throws Exception {
        Settings s = SettingsLoader.load(Map.of(), null, Map.of());
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.issuer()).isEqualTo("http://localhost:8080");
        assertThat(s.dbUrl()).isEqualTo("jdbc:h2:file:./data/authbox");
        assertThat(s.adminId()).isEqualTo("admin");
        assertThat(s.adminSecret()).isNull();
        assertThat(s.keySecret()).isNull();
        assertThat(s.signingAlg()).isEqualTo("RS256");
        assertThat(s.signingConcurrency()).as("no bound").isZero();
        assertThat(SettingsLoader.load(Map.of("AUTHBOX_SIGNING_CONCURRENCY", "AUTO"), null, Map.of()).signingConcurrency())
                .as("twice the cores").isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThat(SettingsLoader.load(Map.of(), yaml("signing_concurrency: 3\n"), Map.of()).signingConcurrency()).isEqualTo(3);
        assertThat(s.demo()).as("demo on H2").isTrue();

        assertThat(SettingsLoader.load(Map.of("AUTHBOX_PORT", "9000"), null, Map.of()).issuer())
                .as("the issuer follows the port").isEqualTo("http://localhost:9000");
        Settings pg = SettingsLoader.load(Map.of("AUTHBOX_DB_URL", "jdbc:postgresql://db.example/authbox"), null, Map.of());
        assertThat(pg.demo()).as("no demo on PostgreSQL").isFalse();
        assertThat(SettingsLoader.load(Map.of("AUTHBOX_DB_URL", "jdbc:postgresql://db/a", "AUTHBOX_DEMO", "true"), null, Map.of())
                .demo()).isTrue();
        assertThat(SettingsLoader.load(Map.of("AUTHBOX_DEMO", "false"), null, Map.of()).demo()).isFalse();
        assertThat(SettingsLoader.load(Map.of(), yaml(""), Map.of()).port()).as("an empty file").isEqualTo(8080);
    }

    @Test
    void badValuesAreConfigErrorsNamingTheSetting() throws Exception {
        assertConfigError(Map.of("AUTHBOX_PORT", "eighty"), "AUTHBOX_PORT");
        assertConfigError(Map.of("AUTHBOX_PORT", "70000"), "AUTHBOX_PORT");
        assertConfigError(Map.of("AUTHBOX_PORT", "-1"), "AUTHBOX_PORT");
        assertConfigError(Map.of("AUTHBOX_ISSUER", "ftp://issuer.example"), "AUTHBOX_ISSUER");
        assertConfigError(Map.of("AUTHBOX_ISSUER", "not a url"), "AUTHBOX_ISSUER");
        assertConfigError(Map.of("AUTHBOX_ISSUER", "https://issuer.example/?tenant=1"), "AUTHBOX_ISSUER");
        assertConfigError(Map.of("AUTHBOX_ISSUER", "https://issuer.example/#x"), "AUTHBOX_ISSUER");
        assertConfigError(Map.of("AUTHBOX_SIGNING_ALG", "HS256"), "AUTHBOX_SIGNING_ALG");
        assertConfigError(Map.of("AUTHBOX_SIGNING_ALG", "none"), "AUTHBOX_SIGNING_ALG");
        assertConfigError(Map.of("AUTHBOX_SIGNING_CONCURRENCY", "-1"), "AUTHBOX_SIGNING_CONCURRENCY");
        assertConfigError(Map.of("AUTHBOX_SIGNING_CONCURRENCY", "many"), "AUTHBOX_SIGNING_CONCURRENCY");
        assertConfigError(Map.of("AUTHBOX_SIGNING_CONCURRENCY", "4097"), "'auto'");
        assertConfigError(Map.of("AUTHBOX_DB_URL", "jdbc:mysql://db/a"), "AUTHBOX_DB_URL");
        assertConfigError(Map.of("AUTHBOX_DEMO", "maybe"), "AUTHBOX_DEMO");
        assertConfigError(Map.of("AUTHBOX_ADMIN_ID", "admin client"), "AUTHBOX_ADMIN_ID");

        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), yaml("port: 9000\nprot: 9001\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'prot'");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), yaml("port: [1, 2]\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), yaml("- port\n"), Map.of()))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), yaml("port: [\n"), Map.of()))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), dir.resolve("missing.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), yaml("signing_alg: HS512\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AUTHBOX_SIGNING_ALG");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), null, Map.of(Setting.PORT, "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AUTHBOX_PORT");
    }

    @Test
    void secretsStayOutOfToStringAndTheRedactedUrl() {
        String[] urls = {
            "jdbc:postgresql://db.example/authbox?user=app&password=pg-url-secret&ssl=true",
            "jdbc:postgresql://db.example/authbox?PASSWORD=pg-url-secret",
            "jdbc:postgresql://db.example/authbox?user=app&sslpassword=pg-url-secret&password=pg-url-secret",
            "jdbc:h2:file:./data/authbox;USER=sa;PASSWORD=pg-url-secret;MODE=PostgreSQL",
        };
        for (String url : urls) {
            Settings s = SettingsLoader.load(Map.of("AUTHBOX_DB_URL", url, "AUTHBOX_DB_PASSWORD", "db-password-secret",
                    "AUTHBOX_ADMIN_SECRET", "admin-secret-value", "AUTHBOX_KEY_SECRET", "key-secret-value"), null, Map.of());
            assertThat(s.redactedDbUrl()).as(url).doesNotContain("pg-url-secret").contains("authbox");
            assertThat(s.toString()).as(url)
                    .doesNotContain("pg-url-secret", "db-password-secret", "admin-secret-value", "key-secret-value");
        }
    }

    /** PostgreSQL URLs separate parameters with '&' only: a ';' is part of the password and must be hidden too. */
    @Test
    void aPostgresPasswordContainingASemicolonIsFullyRedacted() {
        Settings s = SettingsLoader.load(Map.of("AUTHBOX_DB_URL",
                "jdbc:postgresql://db.example/authbox?user=app&password=head;secret-tail&ssl=true"), null, Map.of());
        assertThat(s.redactedDbUrl()).doesNotContain("head", "secret-tail").contains("ssl=true");
        assertThat(s.toString()).doesNotContain("head", "secret-tail");
    }

    private static void assertConfigError(Map<String, String> env, String name) {
        assertThatThrownBy(() -> SettingsLoader.load(env, null, Map.of()))
                .as(env.toString())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(name);
    }

    private Path yaml(String text) throws Exception {
        Path file = Files.createTempFile(dir, "authbox", ".yaml");
        Files.writeString(file, text);
        return file;
    }
}
