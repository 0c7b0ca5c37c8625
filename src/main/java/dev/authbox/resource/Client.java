package dev.authbox.resource;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registered client, as the OAuth code needs it. {@code scopes} empty means any scope may be
 * asked for; {@code secretHash} null means a public client. {@code name} is what pages show.
 */
public record Client(
        String id,
        String name,
        long version,
        String secretHash,
        boolean firstParty,
        Set<String> grantTypes,
        Map<String, GrantSettings> auth,
        Set<String> scopes,
        List<String> legacyRedirectUris,
        List<String> postLogoutRedirectUris) {

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }

    public GrantSettings settings(String grantType) {
        return auth.getOrDefault(grantType, GrantSettings.DEFAULTS);
    }

    /** The redirect URIs registered for a grant: its own list and the legacy top-level one. */
    public List<String> redirectUris(String grantType) {
        List<String> uris = new java.util.ArrayList<>(settings(grantType).redirectUris());
        uris.addAll(legacyRedirectUris);
        return uris;
    }

    public String displayName() {
        return name != null ? name : id;
    }

    public boolean hasSecret() {
        return secretHash != null;
    }
}
