package dev.authbox.token;

import static dev.authbox.support.Propagation.describe;
import static dev.authbox.support.Propagation.lastSawOldState;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.TestServer.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.store.Database;
import dev.authbox.store.SigningKeyRecord;
import dev.authbox.store.SigningKeyStore;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signing key rotation across two nodes on one PostgreSQL database. */
class KeyRotationTest {
    private static final String SECRET = "rot-secret";
    private static final long POLL_MILLIS = 50;

    /** An ES256 node signs with two keys (ES256 access tokens, RS256 ID tokens): a rotation replaces both. */
    @Test
    void rotatingAnEs256NodeReplacesBothOfItsKeys() throws Exception {
        try (TestServer es = TestServer.start(TestDatabase.H2.freshUrl(), Map.of(Setting.SIGNING_ALG, "ES256"))) {
            JsonNode before = es.get("/admin/keys", TestServer.adminBasic()).json();
            HttpResult rotated = es.send("POST", "/admin/keys/rotate", headers("Authorization", TestServer.adminBasic()), null);
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            JsonNode after = rotated.json();
            assertThat(after.get("active").asText()).isNotEqualTo(before.get("active").asText());
            assertThat(after.get("active_id_token").asText()).isNotEqualTo(before.get("active_id_token").asText());
            List<String> current = new ArrayList<>();
            after.get("keys").forEach(k -> current.add(k.asText()));
            assertThat(current).contains(before.get("active").asText(), before.get("active_id_token").asText(),
                    after.get("active").asText(), after.get("active_id_token").asText());

            JWKSet jwks = JWKSet.parse(es.get("/.well-known/jwks.json", null).body());
            assertThat(jwks.getKeyByKeyId(after.get("active").asText()).getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(jwks.getKeyByKeyId(after.get("active_id_token").asText()).getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        }
    }

    /**
     * While a cluster changes its algorithm, a rotation on an RS256 node supersedes every key, the
     * ES256 one too (a rotation must be able to retire any key); the ES256 node then makes itself a
     * fresh ES256 key and goes on signing after the old keys are retired.
     */
    @Test
    void aRotationOnAnRs256NodeGivesEs256NodesAFreshKeyOfTheirOwn() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        try (TestServer rs = TestServer.start(url, Map.of());
             TestServer es = TestServer.start(url, Map.of(Setting.SIGNING_ALG, "ES256"))) {
            JsonNode before = es.get("/admin/keys", TestServer.adminBasic()).json();
            String oldEcKid = before.get("active").asText();
            HttpResult rotated = rs.send("POST", "/admin/keys/rotate", headers("Authorization", TestServer.adminBasic()), null);
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            String newRsaKid = rotated.json().get("active").asText();

            long took = lastSawOldState(POLL_MILLIS, () -> {
                JsonNode keys = es.get("/admin/keys", TestServer.adminBasic()).json();
                return keys.get("active_id_token").asText().equals(newRsaKid) && !keys.get("active").asText().equals(oldEcKid);
            });
            assertThat(took).as("the ES256 node last lacked the new RS256 key or a new ES256 key %s", describe(took))
                    .isLessThan(1_000);
            JsonNode after = es.get("/admin/keys", TestServer.adminBasic()).json();
            String newEcKid = after.get("active").asText();

            // No token was issued before the rotation: every superseded key can go at once, the old ES256 key too.
            retireUnusedKeys(url);
            long deadline = System.currentTimeMillis() + 3_000;
            while (JWKSet.parse(es.get("/.well-known/jwks.json", null).body()).getKeyByKeyId(oldEcKid) != null) {
                assertThat(System.currentTimeMillis()).as("the old ES256 key leaves the JWKS").isLessThan(deadline);
                Thread.sleep(50);
            }
            String client = TestServer.uniqueId("mixed");
            es.clientCredentialsClient(client, SECRET, "{\"token_format\":\"jwt\"}");
            SignedJWT token = SignedJWT.parse(es.clientCredentialsToken(client, SECRET));
            assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(token.getHeader().getKeyID()).isEqualTo(newEcKid);
        }
    }

    /**
     * A rotation stores the new keys first and rotates out the others a moment later. A node whose
     * check falls in between sees the new key while its own is still live; the rotating out that
     * follows adds no key, and must still be noticed (CI once saw an ES256 node keep its old key).
     */
    @Test
    void aNodeThatReloadsInTheMiddleOfARotationNoticesItsSecondHalf() throws Exception {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        raw.put(Setting.DB_URL, TestDatabase.H2.freshUrl());
        try (Database db = Database.open(Settings.from(raw))) {
            SigningKeyStore store = new SigningKeyStore(db.jdbc());
            KeyEncryptor encryptor = new KeyEncryptor("key-secret-for-tests");
            SigningKeys es = new SigningKeys(store, encryptor, "ES256", new SigningTurns(0));
            String oldEcKid = es.activeKeyId();

            // The first half of another node's rotation: its new RS256 key.
            RSAKey rsa = new RSAKeyGenerator(2048).keyID("new-rsa").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .generate();
            long now = java.time.Instant.now().getEpochSecond();
            store.insert(new SigningKeyRecord("new-rsa", "RS256", rsa.toPublicJWK().toJSONString(),
                    encryptor.seal(rsa.toJSONString()), now + 1, null));
            es.reloadIfChanged();
            assertThat(es.activeKeyId()).as("its own key is still live").isEqualTo(oldEcKid);
            assertThat(es.activeIdTokenKeyId()).isEqualTo("new-rsa");

            // The second half: every other key rotated out.
            store.supersedeAllBut(List.of("new-rsa"), now + 1);
            es.reloadIfChanged();
            assertThat(es.activeKeyId()).as("a fresh ES256 key of its own").isNotEqualTo(oldEcKid);
            assertThat(es.activeIdTokenKeyId()).isEqualTo("new-rsa");
            assertThat(es.currentKeyIds()).contains(oldEcKid, "new-rsa", es.activeKeyId());
        }
    }

    @Test
    void rotationSwitchesEveryNodeAndKeepsTheOldKeyUntilItsTokensExpire() throws Exception {
        String url = TestDatabase.POSTGRES.freshUrl();
        try (TestServer a = TestServer.start(url, Map.of()); TestServer b = TestServer.start(url, Map.of())) {
            String client = TestServer.uniqueId("rot");
            a.clientCredentialsClient(client, SECRET, "{\"token_format\":\"jwt\",\"access_token_expiration\":5}");
            String oldToken = jwt(a, client);
            String oldKid = SignedJWT.parse(oldToken).getHeader().getKeyID();

            HttpResult rotated = a.send("POST", "/admin/keys/rotate", headers("Authorization", TestServer.adminBasic()), null);
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            String newKid = rotated.json().get("active").asText();
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(SignedJWT.parse(jwt(a, client)).getHeader().getKeyID()).isEqualTo(newKid);
            long took = lastSawOldState(POLL_MILLIS, () -> SignedJWT.parse(jwt(b, client)).getHeader().getKeyID().equals(newKid));
            assertThat(took).as("node B last signed with the old key %s", describe(took)).isLessThan(1_000);
            for (TestServer node : new TestServer[] {a, b}) {
                JWKSet jwks = JWKSet.parse(node.get("/.well-known/jwks.json", null).body());
                assertThat(jwks.getKeyByKeyId(oldKid)).as("old key still published").isNotNull();
                assertThat(jwks.getKeyByKeyId(newKid)).isNotNull();
                assertThat(node.send("POST", "/auth/introspect", headers("Authorization", basic(client, SECRET),
                        "Content-Type", "application/x-www-form-urlencoded"), form("token", oldToken)).json()
                        .get("active").asBoolean()).as("a token signed with the old key still works").isTrue();
            }

            // Once every token from before the rotation has expired, the old key leaves the JWKS. Times are
            // whole seconds, so tokens issued in the rotation's own second count as "before" too: wait
            // for the last token of this test to expire.
            Thread.sleep(Math.max(0, lastExpiry - System.currentTimeMillis()) + 1_100);
            retireUnusedKeys(url);
            long deadline = System.currentTimeMillis() + 3_000;
            while (JWKSet.parse(b.get("/.well-known/jwks.json", null).body()).getKeyByKeyId(oldKid) != null) {
                assertThat(System.currentTimeMillis()).as("old key leaves node B's JWKS").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(JWKSet.parse(b.get("/.well-known/jwks.json", null).body()).getKeyByKeyId(newKid)).isNotNull();
        }
    }

    @Test
    void theKeysRotateCommandSwitchesARunningNode() throws Exception {
        String url = TestDatabase.H2.freshUrl();
        try (TestServer node = TestServer.start(url, Map.of())) {
            String before = node.send("GET", "/admin/keys", headers("Authorization", TestServer.adminBasic()), null)
                    .json().get("active").asText();
            int code = dev.authbox.cli.CliAccess.run("keys", "rotate", "--db-url", url, "--key-secret", "key-secret-for-tests");
            assertThat(code).isZero();
            long deadline = System.currentTimeMillis() + 3_000;
            while (node.send("GET", "/admin/keys", headers("Authorization", TestServer.adminBasic()), null)
                    .json().get("active").asText().equals(before)) {
                assertThat(System.currentTimeMillis()).as("node picks up the rotated key").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private long lastExpiry;

    private String jwt(TestServer node, String client) throws java.text.ParseException {
        HttpResult r = node.token(basic(client, SECRET), form("grant_type", "client_credentials"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String token = r.json().get("access_token").asText();
        lastExpiry = Math.max(lastExpiry, SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().getTime());
        return token;
    }

    /** Retires, as a node's housekeeping would, every rotated-out key that no unexpired token needs. */
    private static void retireUnusedKeys(String url) {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        raw.put(Setting.DB_URL, url);
        raw.put(Setting.KEY_SECRET, "key-secret-for-tests");
        try (Database db = Database.open(Settings.from(raw))) {
            new SigningKeys(new SigningKeyStore(db.jdbc()), new KeyEncryptor("key-secret-for-tests"), "RS256",
                    new SigningTurns(0)).retireUnused(0);
        }
    }
}
