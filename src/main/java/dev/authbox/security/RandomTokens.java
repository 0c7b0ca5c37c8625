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
    private static final int MILLIS_DIGITS = 12;
    /** 12 hex digits of time and 32 random bytes in base64url. */
    private static final int BEARER_LENGTH = MILLIS_DIGITS + 43;

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
        return millisHex() + B64URL.encodeToString(bytes(12));
    }

    /**
     * A bearer value (opaque access token, refresh token, authorization code): 12 hex digits of
     * epoch milliseconds, then 256 random bits (base64url), 55 characters. Its {@link #lookupKey}
     * keeps the time in front, so each new row lands at the end of the index that finds it. A key
     * that is all hash lands at a random place in that B-tree and rewrites a cold page: on the
     * embedded database that made a session insert cost twice the CPU (73-79 against 35 µs,
     * bench/StoreInsertBench.java). The time it reveals is when the value was issued.
     */
    public static String newBearer() {
        return millisHex() + newToken();
    }

    /**
     * What the database stores to find a bearer value: for a value of {@link #newBearer}'s shape,
     * its time prefix followed by the SHA-256 of the random part (55 characters); for any other
     * value (those issued before time prefixes, or made up), the SHA-256 of the whole value (43).
     * The two kinds never collide, and neither reveals anything that would let a stolen database
     * be used.
     */
    public static String lookupKey(String bearer) {
        if (bearer.length() == BEARER_LENGTH && isLowerHex(bearer, MILLIS_DIGITS)) {
            return bearer.substring(0, MILLIS_DIGITS) + sha256(bearer.substring(MILLIS_DIGITS));
        }
        return sha256(bearer);
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

    private static String millisHex() {
        String millis = Long.toHexString(System.currentTimeMillis());
        return "0".repeat(Math.max(0, MILLIS_DIGITS - millis.length())) + millis;
    }

    private static boolean isLowerHex(String s, int n) {
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
