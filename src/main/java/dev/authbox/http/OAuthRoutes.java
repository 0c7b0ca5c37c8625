package dev.authbox.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.oauth.AuthenticatedClient;
import dev.authbox.oauth.ClientAuthenticator;
import dev.authbox.oauth.ClientCredentials;
import dev.authbox.oauth.OAuthException;
import dev.authbox.oauth.TokenEndpoint;
import dev.authbox.oauth.TokenIntrospection;
import dev.authbox.oauth.TokenRequest;
import dev.authbox.oauth.TokenResponse;
import dev.authbox.oauth.TokenRevocation;
import dev.authbox.oidc.UserInfo;
import dev.authbox.resource.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The OAuth endpoints that machines call: token (RFC 6749), revocation (RFC 7009), introspection
 * (RFC 7662) and UserInfo (OIDC Core §5.3), each also under the {@code /oauth2/} alias.
 */
public final class OAuthRoutes {
    private final TokenEndpoint endpoint;
    private final ClientAuthenticator clients;
    private final TokenRevocation revocation;
    private final TokenIntrospection introspection;
    private final UserInfo userInfo;
    private final MeterRegistry metrics;
    private final ClientAddresses addresses;

    public OAuthRoutes(TokenEndpoint endpoint, ClientAuthenticator clients, TokenRevocation revocation,
                       TokenIntrospection introspection, UserInfo userInfo, MeterRegistry metrics,
                       ClientAddresses addresses) {
        this.addresses = addresses;
        this.endpoint = endpoint;
        this.clients = clients;
        this.revocation = revocation;
        this.introspection = introspection;
        this.userInfo = userInfo;
        this.metrics = metrics;
    }

    public void register(RoutesConfig routes) {
        for (String prefix : new String[] {"/auth", "/oauth2"}) {
            routes.post(prefix + "/token", this::token);
            routes.post(prefix + "/revoke", this::revoke);
            routes.post(prefix + "/introspect", this::introspect);
            Handler userinfo = this::userinfo;
            routes.get(prefix + "/userinfo", userinfo);
            routes.post(prefix + "/userinfo", userinfo);
        }
    }

    private void token(Context ctx) {
        Map<String, String> params = OAuthParams.read(ctx);
        TokenRequest request = new TokenRequest(params, credentials(ctx, params), addresses.clientAddress(ctx));
        TokenResponse response = endpoint.handle(request);
        metrics.counter("authbox_tokens_issued", "grant_type", params.get("grant_type")).increment();
        Responses.noStoreJson(ctx, 200, body(response));
    }

    private void revoke(Context ctx) {
        Map<String, String> params = OAuthParams.read(ctx);
        AuthenticatedClient client = clients.authenticate(credentials(ctx, params));
        String token = required(params, "token");
        revocation.revoke(token, params.get("token_type_hint"), client.client());
        ctx.header("Cache-Control", "no-store").status(200);
    }

    private void introspect(Context ctx) {
        Map<String, String> params = OAuthParams.read(ctx);
        AuthenticatedClient client = clients.authenticate(credentials(ctx, params));
        if (!client.secretVerified()) {
            throw OAuthException.invalidClient("introspection is for confidential clients", false);
        }
        Responses.noStoreJson(ctx, 200, introspection.introspect(required(params, "token"), params.get("token_type_hint")));
    }

    private void userinfo(Context ctx) {
        String bearer = BasicCredentials.bearer(ctx.header("Authorization"));
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (bearer == null && "POST".equals(ctx.method().name()) && type.startsWith("application/x-www-form-urlencoded")) {
            // RFC 6750 §2.2: the token may come in the form body instead.
            bearer = OAuthParams.form(OAuthParams.body(ctx)).get("access_token");
        }
        Responses.noStoreJson(ctx, 200, userInfo.claims(bearer));
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw OAuthException.invalidRequest("missing parameter: " + name);
        }
        return value;
    }

    /** The client credentials the request presents: Basic, or client_id (and client_secret) in the body. */
    private static ClientCredentials credentials(Context ctx, Map<String, String> params) {
        Optional<BasicCredentials> basic = BasicCredentials.parse(ctx.header("Authorization"));
        if (basic.isPresent()) {
            if (basic.get().malformed()) {
                throw OAuthException.invalidClient("malformed Basic credentials", true);
            }
            if (params.containsKey("client_secret")) {
                throw OAuthException.invalidRequest("use one client authentication method, not Basic and client_secret both");
            }
            String bodyId = params.get("client_id");
            if (bodyId != null && !bodyId.equals(basic.get().id())) {
                throw OAuthException.invalidRequest("client_id does not match the authenticated client");
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
