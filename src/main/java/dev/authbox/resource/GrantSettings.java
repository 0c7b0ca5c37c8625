package dev.authbox.resource;

import java.util.List;
import java.util.Set;

/** A client's settings for one grant ({@code Client.auth.<grant>}). */
public record GrantSettings(
        TokenFormat tokenFormat,
        long accessTokenExpiration,
        boolean refreshToken,
        Long refreshTokenExpiration,
        Boolean secretRequired,
        boolean pkce,
        List<String> redirectUris,
        Set<String> audience) {

    public static final long DEFAULT_ACCESS_TOKEN_EXPIRATION = 3600;

    public static final GrantSettings DEFAULTS = new GrantSettings(
            TokenFormat.OPAQUE, DEFAULT_ACCESS_TOKEN_EXPIRATION, false, null, null, false, List.of(), Set.of());

    public enum TokenFormat { OPAQUE, JWT }
}
