package dev.authbox.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A known-answer test of Argon2id implementations: a native library is used only if it computes
 * this answer, so that a broken or foreign build can never write hashes that would not verify on a
 * node that loaded another one. A pinned answer rather than a comparison with Bouncy Castle, so
 * that a start does not run (and compile) the pure-Java implementation it will not use.
 */
public final class Argon2idSelfTest {
    private static final byte[] PASSWORD = "authbox self-test".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = "a 16 byte salt!!".getBytes(StandardCharsets.UTF_8);
    /** Argon2id v1.3, m=64 KiB, t=2, p=1, 32 bytes; Argon2idImplementationsTest has each implementation compute it. */
    private static final byte[] ANSWER = HexFormat.of().parseHex("67247541e22069587a68dc8c65a1408bf5da394b04cff686846ebb8603b2a2c3");

    private Argon2idSelfTest() {
    }

    static boolean passes(Argon2id implementation) {
        return Arrays.equals(implementation.derive(PASSWORD.clone(), SALT.clone(), 64, 2, 1, 32), ANSWER);
    }

    /**
     * True when the pure-Java Argon2id, the last resort where no native library loads, computes the
     * known answer: the jar carries only part of Bouncy Castle, and this proves it carries enough.
     */
    public static boolean pureJavaPasses() {
        return passes(new BouncyCastleArgon2id());
    }
}
