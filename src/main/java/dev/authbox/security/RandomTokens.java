package dev.authbox.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random identifiers and bearer values, and the one-way hash under which bearer values are stored. */
public final class RandomTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private RandomTokens() {
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** 256 random bits, base64url: opaque access tokens, refresh tokens, generated secrets. */
    public static String newToken() {
        return B64URL.encodeToString(bytes(32));
    }

    /** 128 random bits, base64url: session ids (JWT ids) and other identifiers that are not credentials. */
    public static String newId() {
        return B64URL.encodeToString(bytes(16));
    }

    /**
     * A session id (JWT id) that sorts by creation time: 12 hex digits of epoch milliseconds, then
     * 96 random bits (base64url). New rows then land at the end of the session table's primary-key
     * B-tree instead of at random places in it, which is most of what an insert costs the embedded
     * database; the time it reveals is the token's own {@code iat}.
     */
    public static String newTimeOrderedId() {
        String millis = Long.toHexString(System.currentTimeMillis());
        return "0".repeat(Math.max(0, 12 - millis.length())) + millis + B64URL.encodeToString(bytes(12));
    }

    /**
     * SHA-256 of a bearer value, base64url. Bearer values carry 256 random bits, so a fast hash
     * is enough to make a stolen database useless, and keeps lookups cheap.
     */
    public static String sha256(String value) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return B64URL.encodeToString(md.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
