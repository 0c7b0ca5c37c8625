package dev.authbox.oidc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.resource.Json;
import java.util.List;

/**
 * The discovery documents (RFC 8414 and OpenID Connect Discovery). They list only what this
 * server implements: the grant types come from the registered grant handlers.
 */
public final class Discovery {
    private final String document;

    public Discovery(String issuer, List<String> grantTypes, String idTokenAlg, String accessTokenAlg) {
        ObjectNode d = Json.JSON.createObjectNode();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer + "/auth/authorize");
        d.put("token_endpoint", issuer + "/auth/token");
        d.put("end_session_endpoint", issuer + "/auth/logout");
        d.put("jwks_uri", issuer + "/.well-known/jwks.json");
        d.put("userinfo_endpoint", issuer + "/auth/userinfo");
        d.put("revocation_endpoint", issuer + "/auth/revoke");
        d.put("introspection_endpoint", issuer + "/auth/introspect");
        array(d, "grant_types_supported", grantTypes);
        List<String> authMethods = List.of("client_secret_basic", "client_secret_post", "none");
        array(d, "token_endpoint_auth_methods_supported", authMethods);
        array(d, "revocation_endpoint_auth_methods_supported", authMethods);
        array(d, "introspection_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        array(d, "scopes_supported", List.of("openid", "profile", "email", "phone", "address"));
        List<String> claims = new java.util.ArrayList<>(List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce"));
        claims.addAll(UserClaims.supported());
        array(d, "claims_supported", claims);
        array(d, "response_types_supported", List.of("code", "token", "id_token", "id_token token", "code id_token",
                "code token", "code id_token token"));
        array(d, "response_modes_supported", List.of("query", "fragment", "form_post"));
        array(d, "code_challenge_methods_supported", List.of("S256"));
        array(d, "prompt_values_supported", List.of("none", "login", "consent", "select_account"));
        d.put("authorization_response_iss_parameter_supported", true);
        d.put("claims_parameter_supported", false);
        d.put("request_parameter_supported", false);
        d.put("request_uri_parameter_supported", false);
        array(d, "subject_types_supported", List.of("public"));
        array(d, "id_token_signing_alg_values_supported", List.of(idTokenAlg));
        array(d, "access_token_signing_alg_values_supported", List.of(accessTokenAlg));
        this.document = d.toString();
    }

    public String json() {
        return document;
    }

    private static void array(ObjectNode d, String name, List<String> values) {
        ArrayNode a = d.putArray(name);
        values.forEach(a::add);
    }
}
