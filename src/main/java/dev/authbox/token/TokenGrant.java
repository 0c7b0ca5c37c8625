package dev.authbox.token;

import dev.authbox.resource.GrantSettings;
import java.util.Set;

/**
 * What a grant decided to issue: for which client and user (null for client_credentials), under
 * which grant and settings, with which scopes and audience. {@code familyId} continues an existing
 * refresh-token family; null starts a new one. {@code refreshScopes}, when not null, is the scope
 * of the refresh token where it differs from the access token's (a refresh that narrowed the scope
 * keeps the family's full scope on the new refresh token). {@code ssoId} links the tokens to the
 * browser SSO session they were obtained through.
 */
public record TokenGrant(
        String clientId,
        String userId,
        String grantType,
        GrantSettings settings,
        Set<String> scopes,
        String audience,
        String familyId,
        Set<String> refreshScopes,
        String ssoId) {

    public static TokenGrant of(String clientId, String userId, String grantType, GrantSettings settings,
                                Set<String> scopes, String audience) {
        return new TokenGrant(clientId, userId, grantType, settings, scopes, audience, null, null, null);
    }
}
