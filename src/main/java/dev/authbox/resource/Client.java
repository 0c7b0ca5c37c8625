package dev.authbox.resource;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registered client, as the OAuth code needs it. {@code scopes} empty means any scope may be
 * asked for; {@code secretHash} null means a public client.
 */
public record Client(
        String id,
        long version,
        String secretHash,
        boolean firstParty,
        Set<String> grantTypes,
        Map<String, GrantSettings> auth,
        Set<String> scopes,
        List<String> legacyRedirectUris) {

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }

    public GrantSettings settings(String grantType) {
        return auth.getOrDefault(grantType, GrantSettings.DEFAULTS);
    }

    public boolean hasSecret() {
        return secretHash != null;
    }
}
