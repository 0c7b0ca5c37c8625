package dev.authbox.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The id and secret of an {@code Authorization: Basic} header. Both halves are form-url-decoded
 * as RFC 6749 §2.3.1 asks; a header that is not valid Basic yields {@link #MALFORMED}.
 */
public record BasicCredentials(String id, String secret) {
    public static final BasicCredentials MALFORMED = new BasicCredentials(null, null);

    /** Empty when the header is absent or is not Basic; MALFORMED when it is Basic but unreadable. */
    public static Optional<BasicCredentials> parse(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic", 0, 5)
                || (authorization.length() > 5 && authorization.charAt(5) != ' ')) {
            return Optional.empty();
        }
        if (authorization.substring(5).isBlank()) {
            return Optional.of(MALFORMED);
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(5).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.of(MALFORMED);
            }
            String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            return Optional.of(id.isEmpty() ? MALFORMED : new BasicCredentials(id, secret));
        } catch (IllegalArgumentException e) {
            return Optional.of(MALFORMED);
        }
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    public static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    public boolean malformed() {
        return this == MALFORMED;
    }

    @Override
    public String toString() {
        return "BasicCredentials[id=" + id + "]";
    }
}
