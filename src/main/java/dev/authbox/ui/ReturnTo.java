package dev.authbox.ui;

import dev.authbox.http.OAuthParams;
import dev.authbox.oauth.OAuthException;
import java.util.List;
import java.util.Map;

/**
 * The {@code return_to} of the login and consent pages: only ever a local authorization request,
 * so these pages cannot be turned into open redirects.
 */
final class ReturnTo {
    static final String PREFIX = "/auth/authorize?";

    private ReturnTo() {
    }

    static boolean valid(String returnTo) {
        return returnTo != null && returnTo.startsWith(PREFIX) && returnTo.length() <= 8000
                && returnTo.chars().noneMatch(c -> c < 0x21 || c > 0x7e || c == '\\' || c == '#');
    }

    /** The authorization request parameters inside a valid return_to. */
    static Map<String, List<String>> params(String returnTo) {
        try {
            return OAuthParams.multi(returnTo.substring(PREFIX.length()));
        } catch (OAuthException e) {
            return Map.of();
        }
    }
}
