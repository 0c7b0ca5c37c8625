package dev.authbox.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A known-answer test of Argon2id implementations: a native library is used only if it computes
 * these answers, so that a broken or foreign build can never write hashes that would not verify on
 * a node that loaded another one. Pinned answers rather than a comparison with Bouncy Castle, so
 * that a start does not run (and compile) the pure-Java implementation it will not use.
 */
public final class Argon2idKnownAnswer {
    private static final byte[] PASSWORD = "authbox self-test".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = "a 16 byte salt!!".getBytes(StandardCharsets.UTF_8);
    // Argon2id v1.3, m=64 KiB, t=2, 32 bytes, with one and with two lanes; Argon2idImplementationsTest
    // has each implementation compute them.
    private static final byte[] ONE_LANE = HexFormat.of().parseHex("67247541e22069587a68dc8c65a1408bf5da394b04cff686846ebb8603b2a2c3");
    private static final byte[] TWO_LANES = HexFormat.of().parseHex("91c39c550f5cb78776bedfa8d59bf1de1394a268cb2b339ffe46bd079f31c1cf");

    private Argon2idKnownAnswer() {
    }

    /** For an implementation of one-lane costs only (libsodium). */
    static boolean oneLane(Argon2id implementation) {
        return computes(implementation, 1, ONE_LANE);
    }

    /** For an implementation of every cost. */
    static boolean everyCost(Argon2id implementation) {
        return computes(implementation, 1, ONE_LANE) && computes(implementation, 2, TWO_LANES);
    }

    /**
     * True when the pure-Java Argon2id, the last resort where no native library loads, computes the
     * known answers: the jar carries only part of Bouncy Castle, and this proves it carries enough.
     */
    public static boolean pureJavaPasses() {
        return everyCost(new BouncyCastleArgon2id());
    }

    private static boolean computes(Argon2id implementation, int lanes, byte[] answer) {
        return Arrays.equals(implementation.derive(PASSWORD.clone(), SALT.clone(), 64, 2, lanes, 32), answer);
    }
}
