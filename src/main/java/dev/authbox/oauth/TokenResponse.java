package dev.authbox.oauth;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A successful token response (DESIGN.md §4); null members are left out. */
public record TokenResponse(
        String accessToken,
        long expiresIn,
        String refreshToken,
        String idToken,
        String scope,
        ObjectNode userinfo) {

    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", scope=" + scope + "]";
    }
}
