package dev.authbox.oauth;

/** One grant type of the token endpoint. */
public interface GrantHandler {
    String grantType();

    /** Whether the client may use this grant at all; by default, when it lists the grant. */
    default boolean permits(dev.authbox.resource.Client client) {
        return client.allows(grantType());
    }

    TokenResponse handle(TokenRequest request, AuthenticatedClient client);
}
