package dev.authbox.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks, once per process and on first use, the Argon2id implementation every hash uses: native
 * libargon2 where it loads (1.3-1.4x Bouncy Castle's rate here), else Bouncy Castle.
 */
final class PreferredArgon2id {
    private static final Logger LOG = LoggerFactory.getLogger(PreferredArgon2id.class);

    private PreferredArgon2id() {
    }

    /** Chosen by the first hash rather than at start-up: loading a native library takes time. */
    static Argon2id get() {
        return Holder.CHOSEN;
    }

    private static final class Holder {
        static final Argon2id CHOSEN = choose();
    }

    /**
     * Native when it loads and agrees with the pure-Java one on a test vector, so a broken or
     * foreign library can never write hashes that would not verify elsewhere.
     */
    private static Argon2id choose() {
        Argon2id java = new BouncyCastleArgon2id();
        try {
            Argon2id nativeLib = new NativeArgon2id();
            byte[] password = "authbox self-test".getBytes(StandardCharsets.UTF_8);
            byte[] salt = "a 16 byte salt!!".getBytes(StandardCharsets.UTF_8);
            if (Arrays.equals(nativeLib.derive(password, salt, 64, 2, 1, 32), java.derive(password, salt, 64, 2, 1, 32))) {
                LOG.info("Argon2id: native libargon2");
                return nativeLib;
            }
            LOG.warn("native libargon2 disagrees with Bouncy Castle on a test vector; using Bouncy Castle's Argon2id");
        } catch (LinkageError | RuntimeException e) {
            LOG.info("native libargon2 unavailable ({}); using Bouncy Castle's Argon2id", e.toString());
        }
        return java;
    }
}
