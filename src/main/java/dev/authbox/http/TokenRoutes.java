package dev.authbox.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.oauth.ClientCredentials;
import dev.authbox.oauth.OAuthException;
import dev.authbox.oauth.TokenEndpoint;
import dev.authbox.oauth.TokenRequest;
import dev.authbox.oauth.TokenResponse;
import dev.authbox.resource.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;

/** {@code POST /auth/token} (and its alias {@code /oauth2/token}). */
public final class TokenRoutes {
    private final TokenEndpoint endpoint;
    private final MeterRegistry metrics;

    public TokenRoutes(TokenEndpoint endpoint, MeterRegistry metrics) {
        this.endpoint = endpoint;
        this.metrics = metrics;
    }

    public void register(RoutesConfig routes) {
        routes.post("/auth/token", this::token);
        routes.post("/oauth2/token", this::token);
    }

    private void token(Context ctx) {
        Map<String, String> params = OAuthParams.read(ctx);
        TokenRequest request = new TokenRequest(params, credentials(ctx, params), ctx.ip());
        TokenResponse response = endpoint.handle(request);
        metrics.counter("authbox_tokens_issued", "grant_type", params.get("grant_type")).increment();
        Responses.noStoreJson(ctx, 200, body(response));
    }

    private static ClientCredentials credentials(Context ctx, Map<String, String> params) {
        Optional<BasicCredentials> basic = BasicCredentials.parse(ctx.header("Authorization"));
        if (basic.isPresent()) {
            if (basic.get().malformed()) {
                throw OAuthException.invalidClient("malformed Basic credentials", true);
            }
            if (params.containsKey("client_secret")) {
                throw OAuthException.invalidRequest("use one client authentication method, not Basic and client_secret both");
            }
            return new ClientCredentials(basic.get().id(), basic.get().secret(), ClientCredentials.Method.BASIC);
        }
        String id = params.get("client_id");
        String secret = params.get("client_secret");
        if (secret != null) {
            return new ClientCredentials(id, secret, ClientCredentials.Method.BODY);
        }
        return id == null ? ClientCredentials.ABSENT : new ClientCredentials(id, null, ClientCredentials.Method.NONE);
    }

    private static ObjectNode body(TokenResponse r) {
        ObjectNode o = Json.JSON.createObjectNode();
        o.put("token_type", "Bearer");
        o.put("expires_in", r.expiresIn());
        o.put("access_token", r.accessToken());
        if (r.refreshToken() != null) {
            o.put("refresh_token", r.refreshToken());
        }
        if (r.idToken() != null) {
            o.put("id_token", r.idToken());
        }
        if (r.scope() != null) {
            o.put("scope", r.scope());
        }
        if (r.userinfo() != null) {
            o.set("userinfo", r.userinfo());
        }
        return o;
    }
}
