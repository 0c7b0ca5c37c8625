package dev.authbox.token;

import static dev.authbox.support.TestServer.adminBasic;
import static dev.authbox.support.TestServer.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sessions: one per access token, readable and endable by the admin, endable by the token's holder;
 * a token whose session ended, expired or whose signature is not ours never authenticates.
 *
 * <p>"Authenticates" is observed on {@code GET /Client}: 200 for an admin token, 403 for another
 * client's valid token (authenticated, not admin), 401 for a token that does not authenticate.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class SessionTest {
    @Parameter
    TestDatabase db;

    TestServer server;
    String jwtClient;
    String opaqueClient;
    final String secret = "session-secret-" + System.nanoTime();

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
        jwtClient = TestServer.uniqueId("sess-jwt");
        server.clientCredentialsClient(jwtClient, secret, "{\"token_format\":\"jwt\",\"access_token_expiration\":300}");
        opaqueClient = TestServer.uniqueId("sess-opaque");
        server.clientCredentialsClient(opaqueClient, secret, "{\"token_format\":\"opaque\",\"access_token_expiration\":300}");
    }

    @Test
    void everyTokenCreatesAReadableSession() throws Exception {
        String jwt = server.clientCredentialsToken(jwtClient, secret);
        JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
        String opaque = server.clientCredentialsToken(opaqueClient, secret);
        String opaqueId = server.sessionIdOf(opaque);

        HttpResult list = server.get("/Session?_count=1000", adminBasic());
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        JsonNode bundle = list.json();
        assertThat(bundle.get("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.get("type").asText()).isEqualTo("searchset");
        assertThat(bundle.get("total").asLong()).isGreaterThanOrEqualTo(2);
        List<String> ids = new ArrayList<>();
        bundle.get("entry").forEach(e -> ids.add(e.at("/resource/id").asText()));
        assertThat(ids).contains(claims.getJWTID(), opaqueId);
        assertThat(list.body()).doesNotContain(jwt, opaque);

        JsonNode s = session(claims.getJWTID());
        assertThat(s.get("resourceType").asText()).isEqualTo("Session");
        assertThat(s.get("id").asText()).isEqualTo(claims.getJWTID());
        assertThat(s.at("/client/id").asText()).isEqualTo(jwtClient);
        assertThat(s.at("/client/resourceType").asText()).isEqualTo("Client");
        assertThat(s.get("type").asText()).isEqualTo("client_credentials");
        assertThat(s.get("exp").asLong()).isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
        assertThat(s.has("user")).isFalse();
        assertThat(s.has("ended")).isFalse();
        assertThat(s.get("created").asText()).isNotBlank();

        JsonNode o = session(opaqueId);
        assertThat(o.at("/client/id").asText()).isEqualTo(opaqueClient);
        assertThat(o.toString()).doesNotContain(opaque);

        HttpResult page = server.get("/Session?_count=1&_page=2", adminBasic());
        assertThat(page.json().get("entry")).hasSize(1);
        assertThat(server.get("/Session/" + TestServer.uniqueId("none"), adminBasic()).status()).isEqualTo(404);
        assertThat(server.get("/Session?colour=red", adminBasic()).status()).isEqualTo(400);
    }

    @Test
    void deletingASessionStopsItsOpaqueTokenAtOnce() {
        String token = server.adminToken();
        assertThat(server.get("/Client?_count=1", bearer(token)).status()).isEqualTo(200);
        String id = server.sessionIdOf(token);

        HttpResult deleted = server.delete("/Session/" + id, adminBasic());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().get("id").asText()).isEqualTo(id);
        assertThat(deleted.json().get("ended").asText()).isNotBlank();

        HttpResult after = server.get("/Client?_count=1", bearer(token));
        assertThat(after.status()).as(after.toString()).isEqualTo(401);
        assertThat(session(id).get("ended").asText()).isNotBlank();
        assertThat(server.delete("/Session/" + TestServer.uniqueId("none"), adminBasic()).status()).isEqualTo(404);
    }

    @Test
    void deleteSessionWithABearerEndsTheCallersOwnSessionOnly() {
        String token = server.adminToken();
        String other = server.adminToken();
        assertThat(server.get("/Client?_count=1", bearer(token)).status()).isEqualTo(200);

        HttpResult ended = server.delete("/Session", bearer(token));
        assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
        assertThat(ended.json().get("id").asText()).isEqualTo(server.sessionIdOf(token));
        assertThat(ended.json().get("ended").asText()).isNotBlank();

        assertThat(server.get("/Client?_count=1", bearer(token)).status()).isEqualTo(401);
        assertThat(server.delete("/Session", bearer(token)).status()).isEqualTo(401);
        assertThat(server.get("/Client?_count=1", bearer(other)).status()).as("another session of the same client").isEqualTo(200);

        // any client may end its own session, admin or not
        String jwt = server.clientCredentialsToken(jwtClient, secret);
        assertThat(server.get("/Client", bearer(jwt)).status()).isEqualTo(403);
        assertThat(server.delete("/Session", bearer(jwt)).status()).isEqualTo(200);
        assertThat(server.get("/Client", bearer(jwt)).status()).isEqualTo(401);
    }

    @Test
    void deleteSessionWithoutABearerIs401() {
        HttpResult anonymous = server.delete("/Session", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isNotNull();
        assertThat(anonymous.json().get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(server.delete("/Session", adminBasic()).status()).as("Basic is not a session").isEqualTo(401);
        assertThat(server.delete("/Session", bearer("no-such-token")).status()).isEqualTo(401);
    }

    @Test
    void endingAJwtsSessionStopsTheJwt() throws Exception {
        String jwt = server.clientCredentialsToken(jwtClient, secret);
        assertThat(server.get("/Client", bearer(jwt)).status()).isEqualTo(403);
        String jti = SignedJWT.parse(jwt).getJWTClaimsSet().getJWTID();
        assertThat(server.delete("/Session/" + jti, adminBasic()).status()).isEqualTo(200);
        HttpResult after = server.get("/Client", bearer(jwt));
        assertThat(after.status()).as(after.toString()).isEqualTo(401);
    }

    @Test
    void expiredTokensNoLongerAuthenticate() throws Exception {
        String shortJwt = TestServer.uniqueId("short-jwt");
        String shortOpaque = TestServer.uniqueId("short-opaque");
        server.clientCredentialsClient(shortJwt, secret, "{\"token_format\":\"jwt\",\"access_token_expiration\":2}");
        server.clientCredentialsClient(shortOpaque, secret, "{\"token_format\":\"opaque\",\"access_token_expiration\":2}");
        server.clientCredentialsToken(shortJwt, secret); // warm the client caches
        server.clientCredentialsToken(shortOpaque, secret);
        // Expiry has a granularity of one second: issue just after a second starts, so the tokens are
        // surely valid for the rest of that second and the next, and surely expired two seconds on.
        Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 20);
        long issued = System.currentTimeMillis() / 1000;
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("jwt", server.clientCredentialsToken(shortJwt, secret));
        tokens.put("opaque", server.clientCredentialsToken(shortOpaque, secret));
        tokens.forEach((kind, token) -> assertThat(server.get("/Client", bearer(token)).status()).as(kind).isEqualTo(403));
        assertThat(System.currentTimeMillis() / 1000).as("still before the tokens' expiry").isLessThan(issued + 2);

        long deadline = System.currentTimeMillis() + 3_500;
        Map<String, Integer> last = new LinkedHashMap<>();
        while (System.currentTimeMillis() < deadline) {
            tokens.forEach((kind, token) -> last.put(kind, server.get("/Client", bearer(token)).status()));
            if (last.values().stream().allMatch(s -> s == 401)) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(last).containsEntry("jwt", 401).containsEntry("opaque", 401);
        assertThat(System.currentTimeMillis() / 1000).isLessThanOrEqualTo(issued + 2);
    }

    @Test
    void forgedJwtsAreRefused() throws Exception {
        String genuine = server.clientCredentialsToken(jwtClient, secret);
        assertThat(server.get("/Client", bearer(genuine)).status()).as("the genuine token authenticates").isEqualTo(403);
        SignedJWT parsed = SignedJWT.parse(genuine);
        String[] parts = genuine.split("\\.");
        String kid = parsed.getHeader().getKeyID();
        JWTClaimsSet claims = parsed.getJWTClaimsSet();
        RSAKey publicKey = (RSAKey) JWKSet.parse(server.get("/.well-known/jwks.json", null).body()).getKeyByKeyId(kid);
        assertThat(publicKey).isNotNull();

        Map<String, String> forged = new LinkedHashMap<>();
        String noneHeader = b64("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}");
        forged.put("alg none, no signature", noneHeader + "." + parts[1] + ".");
        forged.put("alg none, genuine signature", noneHeader + "." + parts[1] + "." + parts[2]);
        forged.put("HS256 keyed with the public key (DER)",
                hs256(kid, claims, publicKey.toRSAPublicKey().getEncoded()));
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(publicKey.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        forged.put("HS256 keyed with the public key (PEM)", hs256(kid, claims, pem.getBytes(StandardCharsets.US_ASCII)));
        forged.put("HS256 keyed with the JWK JSON", hs256(kid, claims, publicKey.toJSONString().getBytes(StandardCharsets.UTF_8)));
        char[] payload = parts[1].toCharArray();
        int middle = payload.length / 2;
        payload[middle] = payload[middle] == 'A' ? 'B' : 'A';
        forged.put("one payload character changed", parts[0] + "." + new String(payload) + "." + parts[2]);
        String otherSubject = b64(new JWTClaimsSet.Builder(claims).subject("admin").claim("client_id", "admin").build().toString());
        forged.put("payload re-encoded with sub=admin", parts[0] + "." + otherSubject + "." + parts[2]);
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("no-such-kid").generate();
        forged.put("unknown kid", rs256(attacker, "no-such-kid", claims));
        forged.put("no kid", rs256(attacker, null, claims));
        forged.put("the real kid, another key", rs256(attacker, kid, claims));

        forged.forEach((what, token) -> {
            HttpResult r = server.get("/Client", bearer(token));
            assertThat(r.status()).as(what + ": " + r).isEqualTo(401);
            assertThat(server.delete("/Session", bearer(token)).status()).as(what + " on DELETE /Session").isEqualTo(401);
        });
        assertThat(server.get("/Client", bearer(genuine)).status()).as("the genuine token still authenticates").isEqualTo(403);
        assertThat(session(claims.getJWTID()).has("ended")).isFalse();
    }

    // ---- helpers ----

    private JsonNode session(String id) {
        HttpResult r = server.get("/Session/" + id, adminBasic());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String hs256(String kid, JWTClaimsSet claims, byte[] key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    private static String rs256(RSAKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
