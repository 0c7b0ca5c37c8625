package dev.authbox.security;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.io.File;
import java.io.IOException;
import java.util.Map;

/**
 * Argon2id in libsodium, called through JNA: the system's libsodium where there is one, else the
 * build that the lazysodium-java artifact carries for this platform. libsodium fills Argon2 blocks
 * with SIMD code (AVX2 or SSSE3, chosen at run time), 1.3-1.5x the rate of the portable C that
 * argon2-jvm bundles. It computes one lane with a 16-byte salt and tags of 16 bytes or more; any
 * other cost or shape (hashes written elsewhere) goes to {@code others}.
 */
final class SodiumArgon2id implements Argon2id {
    /** crypto_pwhash_SALTBYTES, crypto_pwhash_BYTES_MIN and crypto_pwhash_ALG_ARGON2ID13. */
    private static final int SALT_BYTES = 16;
    private static final int MIN_TAG_BYTES = 16;
    private static final int ALG_ARGON2ID13 = 2;
    /** Where lazysodium-java keeps its builds, by JNA's name for the platform. */
    private static final Map<String, String> BUNDLED = Map.of(
            "linux-x86-64", "/linux64/libsodium.so",
            "linux-aarch64", "/arm64/libsodium.so",
            "darwin-x86-64", "/mac/intel/libsodium.dylib",
            "darwin-aarch64", "/mac/aarch64/libsodium.dylib",
            "win32-x86-64", "/windows64/libsodium.dll");

    /** The two functions used (JNA maps them by name). */
    interface Libsodium extends Library {
        int sodium_init();

        int crypto_pwhash(byte[] out, long outlen, byte[] passwd, long passwdlen, byte[] salt, long opslimit,
                          NativeLong memlimit, int alg);
    }

    private final Libsodium sodium;
    private final Argon2id others;

    /** With the system's libsodium, else the bundled build. */
    SodiumArgon2id(Argon2id others) {
        this(systemElseBundled(), others);
    }

    SodiumArgon2id(Libsodium sodium, Argon2id others) {
        if (sodium.sodium_init() < 0) {
            throw new IllegalStateException("sodium_init failed");
        }
        this.sodium = sodium;
        this.others = others;
    }

    private static Libsodium systemElseBundled() {
        try {
            return Native.load("sodium", Libsodium.class);
        } catch (UnsatisfiedLinkError noSystemLibrary) {
            return bundled();
        }
    }

    /** The build lazysodium-java carries for this platform, copied out of the jar and loaded. */
    static Libsodium bundled() {
        String path = BUNDLED.get(Platform.RESOURCE_PREFIX);
        if (path == null) {
            throw new UnsatisfiedLinkError("no libsodium build bundled for " + Platform.RESOURCE_PREFIX);
        }
        try {
            File file = Native.extractFromResourcePath(path, SodiumArgon2id.class.getClassLoader());
            try {
                return Native.load(file.getAbsolutePath(), Libsodium.class);
            } finally {
                // Loaded (or not), the copy is not needed any more; where an open library cannot be
                // deleted (Windows), JNA's deleteOnExit and its next start clear it.
                file.delete();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract " + path, e);
        }
    }

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        if (parallelism != 1 || salt.length != SALT_BYTES || length < MIN_TAG_BYTES) {
            return others.derive(password, salt, memoryKib, iterations, parallelism, length);
        }
        byte[] tag = new byte[length];
        int status = sodium.crypto_pwhash(tag, length, password, password.length, salt, iterations,
                new NativeLong(memoryKib * 1024L), ALG_ARGON2ID13);
        if (status != 0) {
            // libsodium's only failure for valid parameters: the block memory could not be mapped.
            throw new IllegalStateException("libsodium Argon2id failed (out of memory for " + memoryKib + " KiB?)");
        }
        return tag;
    }

    @Override
    public String name() {
        return "libsodium";
    }

    @Override
    public String nameFor(int parallelism) {
        return parallelism == 1 ? name() : others.nameFor(parallelism);
    }
}
