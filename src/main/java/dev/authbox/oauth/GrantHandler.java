package dev.authbox.oauth;

/** One grant type of the token endpoint. */
public interface GrantHandler {
    String grantType();

    TokenResponse handle(TokenRequest request, AuthenticatedClient client);
}
