package dev.authbox.oauth;

import dev.authbox.resource.Client;
import dev.authbox.resource.GrantTypes;
import java.util.Map;
import java.util.Set;

/**
 * A validated authorization request (RFC 6749 §4.1.1, §4.2.1; OIDC Core §3.1.2.1). {@code params}
 * are the request's own parameters, kept to resume it after login or consent.
 */
public record AuthorizationRequest(
        Client client,
        String redirectUri,
        boolean redirectGiven,
        Set<String> responseType,
        String responseMode,
        String state,
        Set<String> scopes,
        String nonce,
        String codeChallenge,
        Set<String> prompt,
        Integer maxAge,
        String loginHint,
        Map<String, String> params) {

    public boolean wantsCode() {
        return responseType.contains("code");
    }

    public boolean wantsAccessToken() {
        return responseType.contains("token");
    }

    public boolean wantsIdToken() {
        return responseType.contains("id_token");
    }

    /** The grant whose settings and redirect URIs apply: the code grant whenever a code is asked for. */
    public String grantType() {
        return wantsCode() ? GrantTypes.AUTHORIZATION_CODE : GrantTypes.IMPLICIT;
    }
}
