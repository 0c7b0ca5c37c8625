package dev.authbox.oauth;

import java.util.Map;

/** A token endpoint request: its parameters (each given once) and the client credentials it presented. */
public record TokenRequest(Map<String, String> params, ClientCredentials credentials, String clientAddress) {
    public String param(String name) {
        return params.get(name);
    }

    /** The parameter, or invalid_request when it is missing or empty. */
    public String required(String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw OAuthException.invalidRequest("missing parameter: " + name);
        }
        return value;
    }

    @Override
    public String toString() {
        return "TokenRequest[grant_type=" + params.get("grant_type") + ", client=" + credentials + "]";
    }
}
