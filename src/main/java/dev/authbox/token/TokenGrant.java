package dev.authbox.token;

import dev.authbox.resource.GrantSettings;
import java.util.Set;

/**
 * What a grant decided to issue: for which client and user (null for client_credentials), under
 * which grant and settings, with which scopes and audience. {@code familyId} continues an existing
 * refresh-token family; null starts a new one.
 */
public record TokenGrant(
        String clientId,
        String userId,
        String grantType,
        GrantSettings settings,
        Set<String> scopes,
        String audience,
        String familyId) {
}
