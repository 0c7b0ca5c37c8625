package dev.authbox.security;

/**
 * Argon2id as a key-derivation function: the raw tag of a secret, for callers that derive keys
 * rather than store password hashes. Runs on the caller's thread in the implementation password
 * hashes use (libsodium where it loads), and refuses costs no configuration would ask for, so that
 * parameters read back from storage cannot make a derivation take unbounded memory or time.
 */
public final class Argon2idKdf {
    private Argon2idKdf() {
    }

    /**
     * True for a cost within the bounds authbox accepts anywhere: 1–64 lanes, at least 8 KiB per lane
     * (RFC 9106) and at most 4 GiB, 1–100 passes.
     */
    public static boolean acceptable(int memoryKib, int iterations, int parallelism) {
        return parallelism >= 1 && parallelism <= 64 && memoryKib >= 8 * parallelism && memoryKib <= 4 * 1024 * 1024
                && iterations >= 1 && iterations <= 100;
    }

    public static byte[] derive(byte[] secret, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        if (!acceptable(memoryKib, iterations, parallelism)) {
            throw new IllegalArgumentException("Argon2id cost out of bounds: m=" + memoryKib + " KiB, t=" + iterations
                    + ", p=" + parallelism);
        }
        return PreferredArgon2id.get().derive(secret, salt, memoryKib, iterations, parallelism, length);
    }
}
