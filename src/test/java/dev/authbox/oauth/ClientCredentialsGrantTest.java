package dev.authbox.oauth;

import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.TestServer.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.support.HttpResult;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestDatabase.class)
class ClientCredentialsGrantTest {
    @Parameter
    TestDatabase db;

    TestServer server;
    String id;
    final String secret = "s3cret-" + System.nanoTime();

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
        id = TestServer.uniqueId("cc");
        server.clientCredentialsClient(id, secret, "{\"token_format\":\"opaque\",\"access_token_expiration\":120}");
    }

    @Test
    void basicAuthGetsAnOpaqueTokenThatNeverCaches() {
        HttpResult r = server.token(basic(id, secret), form("grant_type", "client_credentials"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = r.json();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(120);
        assertThat(body.get("access_token").asText()).hasSizeGreaterThanOrEqualTo(43).doesNotContain(".");
        assertThat(body.has("refresh_token")).isFalse();
    }

    @Test
    void secretInFormBodyAndInJsonBodyBothWork() {
        HttpResult formBody = server.token(null, form("grant_type", "client_credentials", "client_id", id, "client_secret", secret));
        assertThat(formBody.status()).as(formBody.toString()).isEqualTo(200);
        HttpResult json = server.send("POST", "/auth/token", headers("Content-Type", "application/json"),
                "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + id + "\",\"client_secret\":\"" + secret + "\"}");
        assertThat(json.status()).as(json.toString()).isEqualTo(200);
        assertThat(json.json().get("access_token").asText()).isNotBlank();
    }

    @Test
    void aliasPathOauth2TokenWorks() {
        HttpResult r = server.send("POST", "/oauth2/token",
                headers("Authorization", basic(id, secret), "Content-Type", "application/x-www-form-urlencoded"),
                form("grant_type", "client_credentials"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    @Test
    void jwtTokenIsSignedByAKeyInTheJwksWithTheExpectedClaims() throws Exception {
        String jwtClient = TestServer.uniqueId("ccjwt");
        server.clientCredentialsClient(jwtClient, secret,
                "{\"token_format\":\"jwt\",\"access_token_expiration\":300,\"audience\":[\"https://api.example\"]}");
        HttpResult r = server.token(basic(jwtClient, secret),
                form("grant_type", "client_credentials", "audience", "https://api.example"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        SignedJWT jwt = SignedJWT.parse(r.json().get("access_token").asText());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        JWKSet jwks = JWKSet.parse(server.get("/.well-known/jwks.json", null).body());
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("http://localhost:0");
        assertThat(claims.getSubject()).isEqualTo(jwtClient);
        assertThat(claims.getStringClaim("client_id")).isEqualTo(jwtClient);
        assertThat(claims.getAudience()).containsExactly("https://api.example");
        assertThat(claims.getJWTID()).isNotBlank();
        long lifetime = claims.getExpirationTime().toInstant().getEpochSecond() - claims.getIssueTime().toInstant().getEpochSecond();
        assertThat(lifetime).isEqualTo(300);
        assertThat(claims.getIssueTime().toInstant()).isBefore(Instant.now().plusSeconds(2));
        HttpResult session = server.get("/Session/" + claims.getJWTID(), TestServer.adminBasic());
        assertThat(session.status()).as(session.toString()).isEqualTo(200);
        assertThat(session.json().at("/client/id").asText()).isEqualTo(jwtClient);
        assertThat(session.json().get("type").asText()).isEqualTo("client_credentials");
    }

    @Test
    void audienceNotAllowedIsRefused() {
        HttpResult r = server.token(basic(id, secret), form("grant_type", "client_credentials", "audience", "https://other"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_target");
    }

    @Test
    void refreshTokenIssuedWhenEnabled() {
        String withRefresh = TestServer.uniqueId("ccrt");
        server.clientCredentialsClient(withRefresh, secret, "{\"refresh_token\":true,\"refresh_token_expiration\":600}");
        HttpResult r = server.token(basic(withRefresh, secret), form("grant_type", "client_credentials"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("refresh_token").asText()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(r.json().get("expires_in").asLong()).isEqualTo(3600);
    }

    @Test
    void scopesAreCheckedAgainstTheClientsList() {
        String scoped = TestServer.uniqueId("ccscope");
        server.put("/Client/" + scoped, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"client_credentials\"],"
                + "\"scope\":[\"read\",\"write\"]}");
        HttpResult ok = server.token(basic(scoped, secret), form("grant_type", "client_credentials", "scope", "read"));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().get("scope").asText()).isEqualTo("read");
        HttpResult wider = server.token(basic(scoped, secret), form("grant_type", "client_credentials", "scope", "read admin"));
        assertThat(wider.status()).isEqualTo(400);
        assertThat(wider.json().get("error").asText()).isEqualTo("invalid_scope");
        HttpResult malformed = server.token(basic(scoped, secret), form("grant_type", "client_credentials", "scope", "read  write"));
        assertThat(malformed.json().get("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void wrongSecretByBasicIs401WithChallenge() {
        HttpResult r = server.token(basic(id, "wrong"), form("grant_type", "client_credentials"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void wrongSecretInBodyIs401WithoutBasicChallenge() {
        HttpResult r = server.token(null, form("grant_type", "client_credentials", "client_id", id, "client_secret", "wrong"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isNull();
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void unknownClientAndNoCredentialsAreInvalidClient() {
        assertThat(server.token(basic("no-such-client", "x"), form("grant_type", "client_credentials")).json()
                .get("error").asText()).isEqualTo("invalid_client");
        HttpResult none = server.token(null, form("grant_type", "client_credentials"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).isEqualTo("invalid_client");
        HttpResult garbage = server.token("Basic !!!notbase64", form("grant_type", "client_credentials"));
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(garbage.header("WWW-Authenticate")).startsWith("Basic");
    }

    /** Anyone can send this: a NUL in client_id must be invalid_client, not a 500 (PostgreSQL refuses NUL in text). */
    @Test
    void nulInClientIdIsInvalidClientNotAServerError() {
        HttpResult body = server.token(null, form("grant_type", "client_credentials", "client_id", "a\u0000b", "client_secret", "x"));
        assertThat(body.status()).as(body.toString()).isEqualTo(401);
        assertThat(body.json().get("error").asText()).isEqualTo("invalid_client");
        HttpResult basicNul = server.token(basic("a\u0000b", "x"), form("grant_type", "client_credentials"));
        assertThat(basicNul.status()).as(basicNul.toString()).isEqualTo(401);
    }

    @Test
    void clientWithoutTheGrantIsUnauthorizedClient() {
        String other = TestServer.uniqueId("nocc");
        server.put("/Client/" + other, "{\"secret\":\"" + secret + "\",\"grant_types\":[\"basic\"]}");
        HttpResult r = server.token(basic(other, secret), form("grant_type", "client_credentials"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("unauthorized_client");
    }

    @Test
    void publicClientCannotUseClientCredentials() {
        String pub = TestServer.uniqueId("public");
        server.put("/Client/" + pub, "{\"grant_types\":[\"client_credentials\"]}");
        HttpResult r = server.token(null, form("grant_type", "client_credentials", "client_id", pub));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("unauthorized_client");
    }

    @Test
    void grantTypeErrors() {
        HttpResult unknown = server.token(basic(id, secret), form("grant_type", "urn:made:up"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).isEqualTo("unsupported_grant_type");
        HttpResult missing = server.token(basic(id, secret), form("scope", "x"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void malformedRequestsAreInvalidRequest() {
        HttpResult duplicated = server.token(basic(id, secret), "grant_type=client_credentials&grant_type=client_credentials");
        assertThat(duplicated.status()).isEqualTo(400);
        assertThat(duplicated.json().get("error").asText()).isEqualTo("invalid_request");
        HttpResult twoMethods = server.token(basic(id, secret), form("grant_type", "client_credentials", "client_secret", secret));
        assertThat(twoMethods.json().get("error").asText()).isEqualTo("invalid_request");
        HttpResult mismatch = server.token(basic(id, secret), form("grant_type", "client_credentials", "client_id", "someone-else"));
        assertThat(mismatch.json().get("error").asText()).isEqualTo("invalid_request");
        HttpResult badEncoding = server.token(basic(id, secret), "grant_type=client_credentials&scope=%zz");
        assertThat(badEncoding.json().get("error").asText()).isEqualTo("invalid_request");
        HttpResult textPlain = server.send("POST", "/auth/token",
                headers("Authorization", basic(id, secret), "Content-Type", "text/plain"), "grant_type=client_credentials");
        assertThat(textPlain.status()).isEqualTo(400);
        assertThat(textPlain.json().get("error").asText()).isEqualTo("invalid_request");
        HttpResult badJson = server.send("POST", "/auth/token", headers("Content-Type", "application/json"),
                "{\"grant_type\":\"client_credentials\",\"grant_type\":\"x\"}");
        assertThat(badJson.json().get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void secretChangeAndDeletionTakeEffectAtOnce() {
        assertThat(server.token(basic(id, secret), form("grant_type", "client_credentials")).status()).isEqualTo(200);
        server.clientCredentialsClient(id, "new-" + secret, "{}");
        assertThat(server.token(basic(id, secret), form("grant_type", "client_credentials")).status()).isEqualTo(401);
        assertThat(server.token(basic(id, "new-" + secret), form("grant_type", "client_credentials")).status()).isEqualTo(200);
        HttpResult deleted = server.send("DELETE", "/Client/" + id, headers("Authorization", TestServer.adminBasic()), null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(server.token(basic(id, "new-" + secret), form("grant_type", "client_credentials")).status()).isEqualTo(401);
    }

    @Test
    void opaqueTokenIsStoredOnlyAsItsHash() throws Exception {
        String token = server.token(basic(id, secret), form("grant_type", "client_credentials")).json().get("access_token").asText();
        try (var c = server.connect(); var st = c.prepareStatement("SELECT COUNT(*) FROM auth_session WHERE token_hash = ?")) {
            st.setString(1, dev.authbox.security.RandomTokens.lookupKey(token));
            try (var rs = st.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
        try (var c = server.connect(); var st = c.prepareStatement(
                "SELECT COUNT(*) FROM auth_session WHERE token_hash = ? OR id = ?")) {
            st.setString(1, token);
            st.setString(2, token);
            try (var rs = st.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
