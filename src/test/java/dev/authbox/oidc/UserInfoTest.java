package dev.authbox.oidc;

import static dev.authbox.support.OAuthFlows.emailOf;
import static dev.authbox.support.OAuthFlows.ok;
import static dev.authbox.support.TestServer.basic;
import static dev.authbox.support.TestServer.form;
import static dev.authbox.support.TestServer.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** OIDC Core §5.3 UserInfo, and the discovery documents that announce issue 3's endpoints. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class UserInfoTest {
    @Parameter
    TestDatabase db;

    TestServer server;
    OAuthFlows flows;
    final String secret = "s3cret-" + System.nanoTime();
    String opaque;
    String jwt;
    String user;
    final String password = "pw-" + System.nanoTime();

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
        flows = new OAuthFlows(server);
        opaque = TestServer.uniqueId("ui-opaque");
        jwt = TestServer.uniqueId("ui-jwt");
        flows.passwordClient(opaque, secret, "{\"token_format\":\"opaque\"}");
        flows.passwordClient(jwt, secret, "{\"token_format\":\"jwt\"}");
        user = TestServer.uniqueId("dave");
        flows.user(user, password);
    }

    private String accessToken(String client, String scope) {
        return (scope == null
                ? flows.passwordTokens(client, secret, user, password)
                : flows.passwordTokens(client, secret, user, password, "scope", scope)).get("access_token").asText();
    }

    @Test
    void getAndPostWithBearerReturnTheClaimsOfTheScopes() {
        for (String client : List.of(opaque, jwt)) {
            String token = accessToken(client, "openid profile email");
            for (HttpResult r : List.of(flows.userinfo(token), flows.userinfoPost(token))) {
                JsonNode claims = ok(r);
                assertThat(r.header("Content-Type")).startsWith("application/json");
                assertThat(claims.get("sub").asText()).isEqualTo(user);
                assertThat(claims.get("name").asText()).isEqualTo(OAuthFlows.NAME);
                assertThat(claims.get("given_name").asText()).isEqualTo(OAuthFlows.GIVEN_NAME);
                assertThat(claims.get("family_name").asText()).isEqualTo(OAuthFlows.FAMILY_NAME);
                assertThat(claims.get("email").asText()).isEqualToIgnoringCase(emailOf(user));
                assertThat(claims.has("password")).isFalse();
                assertThat(r.body()).doesNotContainIgnoringCase("argon2");
            }
        }
    }

    @Test
    void eachScopeReleasesOnlyItsClaims() {
        JsonNode profile = ok(flows.userinfo(accessToken(opaque, "openid profile")));
        assertThat(profile.get("given_name").asText()).isEqualTo(OAuthFlows.GIVEN_NAME);
        assertThat(profile.has("email")).isFalse();

        JsonNode email = ok(flows.userinfo(accessToken(opaque, "openid email")));
        assertThat(email.get("email").asText()).isEqualToIgnoringCase(emailOf(user));
        assertThat(email.has("name") || email.has("given_name") || email.has("family_name")).isFalse();

        for (String scope : new String[] {null, "openid"}) {
            JsonNode bare = ok(flows.userinfo(accessToken(jwt, scope)));
            List<String> names = new ArrayList<>();
            bare.fieldNames().forEachRemaining(names::add);
            assertThat(names).as("scope " + scope).containsExactly("sub");
            assertThat(bare.get("sub").asText()).isEqualTo(user);
        }
    }

    @Test
    void postWithTheTokenInAFormBodyWorks() {
        String token = accessToken(opaque, "openid profile");
        HttpResult r = server.send("POST", "/auth/userinfo",
                headers("Content-Type", "application/x-www-form-urlencoded"), form("access_token", token));
        JsonNode claims = ok(r);
        assertThat(claims.get("sub").asText()).isEqualTo(user);
        assertThat(claims.get("given_name").asText()).isEqualTo(OAuthFlows.GIVEN_NAME);
    }

    @Test
    void missingOrBadTokenIs401() {
        // RFC 6750 §3.1: a request without any token gets a Bearer challenge (an error code is optional there).
        HttpResult none = server.get("/auth/userinfo", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWithIgnoringCase("Bearer");
        assertThat(server.send("POST", "/auth/userinfo", headers(), null).status()).isEqualTo(401);

        for (String bad : List.of("garbage", "a.b.c", "x".repeat(43))) {
            assertInvalidToken(flows.userinfo(bad), bad);
            assertInvalidToken(flows.userinfoPost(bad), bad);
        }
    }

    @Test
    void revokedTokenIs401() {
        for (String client : List.of(opaque, jwt)) {
            String token = accessToken(client, "openid");
            assertThat(flows.userinfo(token).status()).isEqualTo(200);
            assertThat(flows.revoke(client, secret, token).status()).isEqualTo(200);
            assertInvalidToken(flows.userinfo(token), client);
        }
    }

    @Test
    void expiredTokenIs401() throws Exception {
        List<String> tokens = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        for (String format : List.of("opaque", "jwt")) {
            String shortLived = TestServer.uniqueId("ui-1s-" + format);
            flows.passwordClient(shortLived, secret, "{\"token_format\":\"" + format + "\",\"access_token_expiration\":1}");
            tokens.add(accessToken(shortLived, "openid"));
        }
        OAuthFlows.sleepUntil(t0 + 2100);
        for (String token : tokens) {
            assertInvalidToken(flows.userinfo(token), token);
        }
    }

    @Test
    void clientCredentialsTokenHasNoUserInfo() {
        for (String format : List.of("opaque", "jwt")) {
            String cc = TestServer.uniqueId("ui-cc");
            server.clientCredentialsClient(cc, secret, "{\"token_format\":\"" + format + "\"}");
            String token = ok(server.token(basic(cc, secret), form("grant_type", "client_credentials", "scope", "openid")))
                    .get("access_token").asText();
            assertInvalidToken(flows.userinfo(token), format);
        }
    }

    @Test
    void deletedUserIs401() {
        String token = accessToken(jwt, "openid profile");
        assertThat(flows.userinfo(token).status()).isEqualTo(200);
        HttpResult deleted = server.send("DELETE", "/User/" + user, headers("Authorization", TestServer.adminBasic()), null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertInvalidToken(flows.userinfo(token), "deleted user");
    }

    @Test
    void discoveryAnnouncesTheEndpointsGrantsScopesAndClaims() {
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            JsonNode d = ok(server.get(path, null));
            String issuer = d.get("issuer").asText();
            assertThat(d.path("userinfo_endpoint").asText()).as(path).isEqualTo(issuer + "/auth/userinfo");
            assertThat(d.path("revocation_endpoint").asText()).as(path).isEqualTo(issuer + "/auth/revoke");
            assertThat(d.path("introspection_endpoint").asText()).as(path).isEqualTo(issuer + "/auth/introspect");
            assertThat(d.path("token_endpoint").asText()).as(path).isEqualTo(issuer + "/auth/token");
            assertThat(strings(d, "grant_types_supported")).as(path)
                    .contains("password", "refresh_token", "client_credentials");
            assertThat(strings(d, "scopes_supported")).as(path).contains("openid", "profile", "email");
            assertThat(strings(d, "claims_supported")).as(path)
                    .contains("sub", "name", "given_name", "family_name", "email");
        }
    }

    private static List<String> strings(JsonNode d, String field) {
        List<String> out = new ArrayList<>();
        d.path(field).forEach(v -> out.add(v.asText()));
        return out;
    }

    private static void assertInvalidToken(HttpResult r, String what) {
        assertThat(r.status()).as(what + " -> " + r).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).as(what).isNotNull().startsWithIgnoringCase("Bearer")
                .contains("error=\"invalid_token\"");
    }
}
