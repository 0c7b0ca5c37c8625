package dev.authbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authbox.config.Setting;
import dev.authbox.support.HttpResult;
import dev.authbox.support.OAuthFlows;
import dev.authbox.support.TestDatabase;
import dev.authbox.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The unauthenticated GETs: discovery documents, JWKS, health and metrics; and an ES256 node. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class DiscoveryTest {
    @Parameter
    TestDatabase db;

    TestServer server;

    @BeforeEach
    void setUp() {
        server = TestServer.shared(db);
    }

    @Test
    void bothDiscoveryDocumentsDescribeTheServer() {
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            HttpResult r = server.get(path, null);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            JsonNode d = r.json();
            String issuer = d.get("issuer").asText();
            assertThat(issuer).as(path).startsWith("http://localhost:").doesNotEndWith("/");
            assertThat(d.get("token_endpoint").asText()).isEqualTo(issuer + "/auth/token");
            assertThat(d.get("jwks_uri").asText()).isEqualTo(issuer + "/.well-known/jwks.json");
            assertThat(strings(d.get("grant_types_supported"))).contains("client_credentials");
            assertThat(strings(d.get("token_endpoint_auth_methods_supported")))
                    .contains("client_secret_basic", "client_secret_post", "none");
            assertThat(strings(d.get("id_token_signing_alg_values_supported"))).contains("RS256");
        }
    }

    @Test
    void jwksPublishesOnlyPublicSigningKeys() throws Exception {
        HttpResult r = server.get("/.well-known/jwks.json", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode keys = r.json().get("keys");
        assertThat(keys).isNotEmpty();
        for (JsonNode key : keys) {
            assertThat(key.has("d") || key.has("p") || key.has("q") || key.has("dp") || key.has("dq") || key.has("qi"))
                    .as(key.toString()).isFalse();
            assertThat(key.get("kid").asText()).isNotBlank();
            assertThat(key.get("alg").asText()).isIn("RS256", "ES256");
            assertThat(key.get("use").asText()).isEqualTo("sig");
        }
        for (JWK jwk : JWKSet.parse(r.body()).getKeys()) {
            assertThat(jwk.isPrivate()).isFalse();
        }
    }

    @Test
    void healthPasses() {
        HttpResult r = server.get("/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("pass");
    }

    @Test
    void metricsCountRequestsInPrometheusFormat() {
        server.get("/health", null);
        HttpResult r = server.get("/metrics", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.body()).contains("# TYPE authbox_http_requests").contains("authbox_http_requests_seconds_count{");
        assertThat(r.body().lines().filter(l -> l.startsWith("authbox_http_requests_seconds_count{")
                && l.contains("route=\"/health\"") && l.contains("status=\"200\""))).isNotEmpty();
    }

    @Test
    void metricsDoNotLabelRequestsWithRawUnknownPaths() {
        String unique = TestServer.uniqueId("no-such-path");
        assertThat(server.get("/" + unique, null).status()).isEqualTo(404);
        String metrics = server.get("/metrics", null).body();
        assertThat(metrics).doesNotContain(unique).contains("route=\"unmatched\"");
    }

    /**
     * An ES256 node signs access tokens with ES256 and ID tokens with RS256: OpenID Connect clients
     * that registered no algorithm expect RS256, and discovery must list it (OIDC Discovery §3).
     */
    @Test
    void anEs256NodeSignsAccessTokensWithEs256AndIdTokensWithRs256() throws Exception {
        try (TestServer es = TestServer.start(db.freshUrl(),
                Map.of(Setting.SIGNING_ALG, "ES256", Setting.ISSUER, "https://issuer.example/base/"))) {
            JsonNode d = es.get("/.well-known/openid-configuration", null).json();
            assertThat(d.get("issuer").asText()).isEqualTo("https://issuer.example/base");
            assertThat(d.get("token_endpoint").asText()).isEqualTo("https://issuer.example/base/auth/token");
            assertThat(strings(d.get("id_token_signing_alg_values_supported"))).containsExactly("RS256");
            assertThat(strings(d.get("access_token_signing_alg_values_supported"))).containsExactly("ES256");

            String id = TestServer.uniqueId("es");
            es.clientCredentialsClient(id, "es-secret", "{\"token_format\":\"jwt\"}");
            SignedJWT jwt = SignedJWT.parse(es.clientCredentialsToken(id, "es-secret"));
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("https://issuer.example/base");

            JWKSet jwks = JWKSet.parse(es.get("/.well-known/jwks.json", null).body());
            JWK key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key).isInstanceOf(ECKey.class);
            assertThat(key.isPrivate()).isFalse();
            assertThat(((ECKey) key).getCurve()).isEqualTo(Curve.P_256);
            assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(jwt.verify(new ECDSAVerifier((ECKey) key))).isTrue();

            OAuthFlows flows = new OAuthFlows(es);
            String client = TestServer.uniqueId("es-oidc");
            String user = TestServer.uniqueId("es-user");
            flows.passwordClient(client, "es-secret", "{\"token_format\":\"jwt\"}");
            flows.user(user, "es-password");
            JsonNode tokens = flows.passwordTokens(client, "es-secret", user, "es-password", "scope", "openid");
            assertThat(SignedJWT.parse(tokens.get("access_token").asText()).getHeader().getAlgorithm())
                    .isEqualTo(JWSAlgorithm.ES256);
            JWTClaimsSet idToken = flows.verifiedClaims(tokens.get("id_token").asText());
            assertThat(idToken.getSubject()).isEqualTo(user);
            assertThat(idToken.getAudience()).containsExactly(client);

            JsonNode keys = es.get("/admin/keys", TestServer.adminBasic()).json();
            assertThat(keys.get("active").asText()).isEqualTo(jwt.getHeader().getKeyID());
            assertThat(keys.get("active_id_token").asText())
                    .isEqualTo(SignedJWT.parse(tokens.get("id_token").asText()).getHeader().getKeyID());
        }
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array.isArray()).isTrue();
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
