package dev.authbox.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/** RFC 7636 with the S256 method only (RFC 9700 §2.1.1 rules out {@code plain}). */
public final class PkceVerifier {
    /** 43-128 characters of the unreserved set: the form of both verifiers and S256 challenges. */
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private PkceVerifier() {
    }

    public static boolean wellFormed(String value) {
        return value != null && FORM.matcher(value).matches();
    }

    /** True when {@code BASE64URL(SHA256(verifier)) == challenge}, compared in constant time. */
    public static boolean matches(String verifier, String challenge) {
        if (!wellFormed(verifier) || challenge == null) {
            return false;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
