package dev.authbox.oauth;

import dev.authbox.resource.GrantSettings;

/** The {@code audience} request parameter, accepted only when listed in the grant's settings. */
final class Audience {
    private Audience() {
    }

    static String requested(String audience, GrantSettings settings) {
        if (audience == null || audience.isEmpty()) {
            return null;
        }
        if (!settings.audience().contains(audience)) {
            throw new OAuthException("invalid_target", "audience not allowed for this client: " + audience, 400, false);
        }
        return audience;
    }
}
