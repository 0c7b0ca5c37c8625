package dev.authbox.oauth;

import static dev.authbox.support.OAuthFlows.assertError;
import static dev.authbox.support.OAuthFlows.emailOf;
import static dev.authbox.support.OAuthFlows.ok;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.TestServer.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 7009 revocation and RFC 7662 introspection of opaque and JWT access tokens and of refresh tokens. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class RevocationIntrospectionTest {
    static final String AUDIENCE = "https://api.example";
    static final JsonNode INACTIVE = json("{\"active\":false}");

    @Parameter
    TestDatabase db;

    TestServer server;
    OAuthFlows flows;
    final String secret = "s3cret-" + System.nanoTime();
    /** Confidential clients issuing opaque and JWT access tokens, with refresh tokens. */
    String opaque;
    String jwt;
    String user;
    final String password = "pw-" + System.nanoTime();

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
        flows = new OAuthFlows(server);
        opaque = TestServer.uniqueId("ri-opaque");
        jwt = TestServer.uniqueId("ri-jwt");
        flows.passwordClient(opaque, secret, settings("opaque"));
        flows.passwordClient(jwt, secret, settings("jwt"));
        user = TestServer.uniqueId("carol");
        flows.user(user, password);
    }

    private static String settings(String format) {
        return "{\"token_format\":\"" + format + "\",\"access_token_expiration\":600,\"refresh_token\":true,"
                + "\"audience\":[\"" + AUDIENCE + "\"]}";
    }

    private JsonNode login(String client, String... more) {
        return flows.passwordTokens(client, secret, user, password, more);
    }

    private boolean active(String token) {
        return flows.introspection(token).get("active").asBoolean();
    }

    // ---- revocation ----

    @Test
    void revocationNeedsClientAuthentication() {
        String token = login(opaque).get("access_token").asText();
        HttpResult anonymous = server.send("POST", "/auth/revoke",
                headers("Content-Type", "application/x-www-form-urlencoded"), form("token", token));
        assertError(anonymous, 401, "invalid_client");
        assertError(flows.revoke(opaque, "wrong-" + secret, token), 401, "invalid_client");
        assertThat(active(token)).as("a refused revocation changes nothing").isTrue();
    }

    @Test
    void revokingAnAccessTokenStopsItAtIntrospectionAndUserinfo() {
        for (String client : List.of(opaque, jwt)) {
            String token = login(client, "scope", "openid").get("access_token").asText();
            assertThat(active(token)).isTrue();
            assertThat(flows.userinfo(token).status()).isEqualTo(200);

            HttpResult revoked = flows.revoke(client, secret, token);
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            assertThat(revoked.header("Cache-Control")).isEqualTo("no-store");

            assertThat(flows.introspection(token)).as(client).isEqualTo(INACTIVE);
            assertThat(flows.userinfo(token).status()).as(client).isEqualTo(401);
        }
    }

    @Test
    void revokingARefreshTokenRevokesItsFamily() {
        JsonNode first = login(opaque);
        JsonNode second = ok(flows.refresh(opaque, secret, first.get("refresh_token").asText()));
        String refresh = second.get("refresh_token").asText();

        assertThat(flows.revoke(opaque, secret, refresh).status()).isEqualTo(200);

        assertThat(flows.introspection(refresh)).isEqualTo(INACTIVE);
        assertThat(flows.introspection(second.get("access_token").asText())).isEqualTo(INACTIVE);
        assertThat(flows.introspection(first.get("access_token").asText())).isEqualTo(INACTIVE);
        assertError(flows.refresh(opaque, secret, refresh), 400, "invalid_grant");
    }

    @Test
    void aWrongTokenTypeHintStillRevokes() {
        for (String client : List.of(opaque, jwt)) {
            String access = login(client).get("access_token").asText();
            assertThat(flows.revoke(client, secret, access, "token_type_hint", "refresh_token").status()).isEqualTo(200);
            assertThat(flows.introspection(access)).as(client + " access token hinted as refresh").isEqualTo(INACTIVE);
        }
        JsonNode tokens = login(opaque);
        String refresh = tokens.get("refresh_token").asText();
        assertThat(flows.revoke(opaque, secret, refresh, "token_type_hint", "access_token").status()).isEqualTo(200);
        assertError(flows.refresh(opaque, secret, refresh), 400, "invalid_grant");
        assertThat(flows.introspection(tokens.get("access_token").asText())).isEqualTo(INACTIVE);
    }

    @Test
    void unknownTokensAreAcceptedSilently() {
        for (String token : List.of("never-issued-" + System.nanoTime(), "a.b.c")) {
            HttpResult r = flows.revoke(opaque, secret, token);
            assertThat(r.status()).as(token + " -> " + r).isEqualTo(200);
        }
    }

    @Test
    void anotherClientsTokensAreLeftAlone() {
        String other = TestServer.uniqueId("ri-other");
        flows.passwordClient(other, secret, settings("opaque"));
        for (String client : List.of(opaque, jwt)) {
            JsonNode tokens = login(client);
            String access = tokens.get("access_token").asText();
            assertThat(flows.revoke(other, secret, access).status()).isEqualTo(200);
            assertThat(active(access)).as(client + " access token revoked by another client").isTrue();
            String refresh = tokens.get("refresh_token").asText();
            assertThat(flows.revoke(other, secret, refresh).status()).isEqualTo(200);
            assertThat(active(refresh)).as(client + " refresh token revoked by another client").isTrue();
            assertThat(flows.refresh(client, secret, refresh).status()).isEqualTo(200);
        }
    }

    @Test
    void missingTokenIsInvalidRequest() {
        HttpResult none = server.send("POST", "/auth/revoke", headers("Authorization", basic(opaque, secret),
                "Content-Type", "application/x-www-form-urlencoded"), form("token_type_hint", "access_token"));
        assertError(none, 400, "invalid_request");
        assertError(flows.revoke(opaque, secret, ""), 400, "invalid_request");
    }

    // ---- introspection ----

    @Test
    void introspectionNeedsAConfidentialClient() {
        String token = login(opaque).get("access_token").asText();
        HttpResult anonymous = server.send("POST", "/auth/introspect",
                headers("Content-Type", "application/x-www-form-urlencoded"), form("token", token));
        assertError(anonymous, 401, "invalid_client");
        assertThat(anonymous.body()).doesNotContain("\"active\"");

        String pub = TestServer.uniqueId("ri-public");
        flows.passwordClient(pub, null, "{\"secret_required\":false}");
        HttpResult publicClient = flows.introspect(pub, null, token);
        assertError(publicClient, 401, "invalid_client");
        assertThat(publicClient.body()).doesNotContain("\"active\"");

        assertError(flows.introspect(opaque, "wrong-" + secret, token), 401, "invalid_client");
        assertThat(flows.introspect(opaque, secret, token).status()).isEqualTo(200);
    }

    @Test
    void opaqueUserTokenIntrospectsWithItsFields() {
        long before = Instant.now().getEpochSecond();
        String token = login(opaque, "scope", "openid profile", "audience", AUDIENCE).get("access_token").asText();
        long after = Instant.now().getEpochSecond();
        HttpResult r = flows.introspect(opaque, secret, token);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode i = ok(r);
        assertUserTokenFields(i, opaque, before, after);
        HttpResult session = server.get("/Session/" + i.get("jti").asText(), TestServer.adminBasic());
        assertThat(session.status()).as(session.toString()).isEqualTo(200);
        assertThat(session.json().at("/user/id").asText()).isEqualTo(user);
    }

    @Test
    void jwtUserTokenIntrospectsWithItsFields() throws Exception {
        long before = Instant.now().getEpochSecond();
        String token = login(jwt, "scope", "openid profile", "audience", AUDIENCE).get("access_token").asText();
        long after = Instant.now().getEpochSecond();
        JsonNode i = ok(flows.introspect(jwt, secret, token));
        assertUserTokenFields(i, jwt, before, after);
        JWTClaimsSet claims = flows.verifiedClaims(token);
        assertThat(i.get("jti").asText()).isEqualTo(claims.getJWTID());
        assertThat(i.get("exp").asLong()).isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
        assertThat(i.get("iat").asLong()).isEqualTo(claims.getIssueTime().toInstant().getEpochSecond());
        assertThat(i.get("sub").asText()).isEqualTo(claims.getSubject());
    }

    private void assertUserTokenFields(JsonNode i, String client, long before, long after) {
        assertThat(i.get("active").asBoolean()).as(i.toString()).isTrue();
        assertThat(i.get("scope").asText().split(" ")).containsExactlyInAnyOrder("openid", "profile");
        assertThat(i.get("client_id").asText()).isEqualTo(client);
        assertThat(i.get("username").asText()).isIn(user, emailOf(user), emailOf(user).toLowerCase());
        assertThat(i.get("sub").asText()).isEqualTo(user);
        JsonNode aud = i.get("aud");
        assertThat(aud).as("aud").isNotNull();
        if (aud.isArray()) {
            assertThat(aud.toString()).contains("\"" + AUDIENCE + "\"");
        } else {
            assertThat(aud.asText()).isEqualTo(AUDIENCE);
        }
        assertThat(i.get("iss").asText()).isEqualTo(flows.issuer());
        assertThat(i.get("iat").asLong()).isBetween(before - 1, after + 1);
        assertThat(i.get("exp").asLong()).isEqualTo(i.get("iat").asLong() + 600);
        assertThat(i.get("token_type").asText()).isEqualToIgnoringCase("Bearer");
        assertThat(i.get("jti").asText()).isNotBlank();
    }

    @Test
    void clientCredentialsTokenHasTheClientAsSubjectAndNoUsername() {
        String cc = TestServer.uniqueId("ri-cc");
        server.clientCredentialsClient(cc, secret, "{\"token_format\":\"jwt\"}");
        String token = ok(server.token(basic(cc, secret), form("grant_type", "client_credentials"))).get("access_token").asText();
        JsonNode i = ok(flows.introspect(cc, secret, token));
        assertThat(i.get("active").asBoolean()).isTrue();
        assertThat(i.get("sub").asText()).isEqualTo(cc);
        assertThat(i.get("client_id").asText()).isEqualTo(cc);
        assertThat(i.has("username")).as(i.toString()).isFalse();
    }

    @Test
    void garbageAndForgedTokensAreJustInactive() throws Exception {
        String real = login(jwt, "scope", "openid").get("access_token").asText();
        SignedJWT parsed = SignedJWT.parse(real);
        JWTClaimsSet claims = parsed.getJWTClaimsSet();
        Base64URL[] parts = parsed.getParsedParts();

        List<String> bad = new ArrayList<>(List.of("garbage", "a.b.c", "x".repeat(43), "x".repeat(10_000)));
        // the real signature on changed claims
        JWTClaimsSet otherSubject = new JWTClaimsSet.Builder(claims).subject("someone-else").build();
        bad.add(parts[0] + "." + Base64URL.encode(otherSubject.toString()) + "." + parts[2]);
        // signed by a key of our own under the server's kid
        RSAKey attackerKey = new RSAKeyGenerator(2048).keyID(parsed.getHeader().getKeyID()).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(attackerKey.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims);
        forged.sign(new RSASSASigner(attackerKey));
        bad.add(forged.serialize());
        // unsigned
        bad.add(Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + ".");

        for (String token : bad) {
            HttpResult r = flows.introspect(jwt, secret, token);
            assertThat(r.status()).as(token).isEqualTo(200);
            assertThat(r.json()).as(token.length() > 80 ? token.substring(0, 80) : token).isEqualTo(INACTIVE);
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
        assertThat(active(real)).as("the genuine token").isTrue();
    }

    @Test
    void expiredTokensAreJustInactive() throws Exception {
        List<String> tokens = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        for (String format : List.of("opaque", "jwt")) {
            String shortLived = TestServer.uniqueId("ri-1s-" + format);
            flows.passwordClient(shortLived, secret, "{\"token_format\":\"" + format + "\",\"access_token_expiration\":2}");
            String token = flows.passwordTokens(shortLived, secret, user, password).get("access_token").asText();
            assertThat(active(token)).isTrue();
            tokens.add(token);
        }
        OAuthFlows.sleepUntil(t0 + 3100);
        for (String token : tokens) {
            assertThat(flows.introspection(token)).as(token).isEqualTo(INACTIVE);
        }
    }

    @Test
    void aClosedSessionMakesItsJwtInactive() throws Exception {
        String token = login(jwt).get("access_token").asText();
        String jti = flows.verifiedClaims(token).getJWTID();
        HttpResult closed = server.send("DELETE", "/Session/" + jti, headers("Authorization", TestServer.adminBasic()), null);
        assertThat(closed.status()).as(closed.toString()).isEqualTo(200);
        assertThat(flows.introspection(token)).isEqualTo(INACTIVE);
    }

    @Test
    void refreshTokenIsActiveUntilUsed() {
        JsonNode tokens = login(opaque, "scope", "profile");
        String refresh = tokens.get("refresh_token").asText();
        JsonNode i = flows.introspection(refresh);
        assertThat(i.get("active").asBoolean()).as(i.toString()).isTrue();
        assertThat(i.get("token_type").asText()).isEqualTo("refresh_token");
        assertThat(i.get("client_id").asText()).isEqualTo(opaque);
        assertThat(i.get("sub").asText()).isEqualTo(user);
        assertThat(i.get("scope").asText()).isEqualTo("profile");

        String next = ok(flows.refresh(opaque, secret, refresh)).get("refresh_token").asText();
        assertThat(flows.introspection(refresh)).as("a used refresh token").isEqualTo(INACTIVE);
        assertThat(active(next)).isTrue();
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
