package dev.authbox;

import static dev.authbox.support.TestServer.adminBasic;
import static dev.authbox.support.TestServer.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.config.ConfigException;
import dev.authbox.config.Setting;
import dev.authbox.support.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything a node needs survives a restart on an embedded file database; the key secret guards the keys. */
class PersistenceTest {
    @TempDir
    Path dir;

    @Test
    void clientsKeysSessionsAndTheAdminSurviveARestart() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("authbox").toAbsolutePath();
        String id = TestServer.uniqueId("persist");
        String secret = "persist-secret";
        String jwt;
        String kid;
        String jwksBefore;
        try (TestServer first = TestServer.start(url, Map.of())) {
            first.clientCredentialsClient(id, secret, "{\"token_format\":\"jwt\",\"access_token_expiration\":600}");
            jwt = first.clientCredentialsToken(id, secret);
            kid = SignedJWT.parse(jwt).getHeader().getKeyID();
            jwksBefore = first.get("/.well-known/jwks.json", null).body();
        }
        assertThat(dir.resolve("authbox.mv.db")).exists();

        // no admin secret this time: the stored admin client and its secret must be kept as they are
        try (TestServer second = TestServer.start(url, Map.of(Setting.ADMIN_SECRET, ""))) {
            assertThat(second.console()).doesNotContain("Admin client created");
            assertThat(second.clientCredentialsToken(id, secret)).isNotBlank();

            JWKSet jwks = JWKSet.parse(second.get("/.well-known/jwks.json", null).body());
            assertThat(jwks.getKeys()).extracting(k -> k.getKeyID()).containsExactlyElementsOf(
                    JWKSet.parse(jwksBefore).getKeys().stream().map(k -> k.getKeyID()).toList());
            RSAKey key = (RSAKey) jwks.getKeyByKeyId(kid);
            assertThat(key).as("the old token's key is still published").isNotNull();
            assertThat(SignedJWT.parse(jwt).verify(new RSASSAVerifier(key))).isTrue();
            String newKid = SignedJWT.parse(second.clientCredentialsToken(id, secret)).getHeader().getKeyID();
            assertThat(newKid).as("the same key keeps signing").isEqualTo(kid);

            assertThat(second.get("/Client/" + id, adminBasic()).status()).as("the admin secret still works").isEqualTo(200);
            assertThat(second.get("/Client", bearer(jwt)).status()).as("the old JWT's session survived").isEqualTo(403);
        }
    }

    @Test
    void aWrongOrMissingKeySecretIsAConfigError() {
        String url = "jdbc:h2:file:" + dir.resolve("authbox").toAbsolutePath();
        TestServer.start(url, Map.of()).close();

        assertThatThrownBy(() -> TestServer.start(url, Map.of(Setting.KEY_SECRET, "not-the-key-secret")).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AUTHBOX_KEY_SECRET");
        assertThatThrownBy(() -> TestServer.start(url, Map.of(Setting.KEY_SECRET, "")).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AUTHBOX_KEY_SECRET");

        // the failed starts left the database usable (and unlocked) for the right secret
        try (TestServer again = TestServer.start(url, Map.of())) {
            assertThat(again.get("/health", null).status()).isEqualTo(200);
        }
    }
}
