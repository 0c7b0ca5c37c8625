package dev.authbox.security;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Map;

/**
 * Argon2id in libsodium, called through JNA: the system's libsodium, or the build that the
 * lazysodium-java artifact carries for this platform. libsodium fills Argon2 blocks with SIMD code
 * (AVX2 or SSSE3, chosen at run time), 1.3-1.5x the rate of the portable C that argon2-jvm bundles.
 * It computes one lane with a 16-byte salt and tags of 16 bytes or more; any other cost or shape
 * (hashes written elsewhere) goes to {@code others}.
 */
final class SodiumArgon2id implements Argon2id {
    /** crypto_pwhash_SALTBYTES, crypto_pwhash_BYTES_MIN and crypto_pwhash_ALG_ARGON2ID13. */
    private static final int SALT_BYTES = 16;
    private static final int MIN_TAG_BYTES = 16;
    private static final int ALG_ARGON2ID13 = 2;
    /** Where lazysodium-java keeps its builds, by JNA's name for the platform. */
    private static final Map<String, String> BUNDLED = Map.of(
            "linux-x86-64", "linux64/libsodium.so",
            "linux-aarch64", "arm64/libsodium.so",
            "darwin-x86-64", "mac/intel/libsodium.dylib",
            "darwin-aarch64", "mac/aarch64/libsodium.dylib",
            "win32-x86-64", "windows64/libsodium.dll");

    /** The two functions used (JNA maps them by name). */
    interface Libsodium extends Library {
        int sodium_init();

        int crypto_pwhash(byte[] out, long outlen, byte[] passwd, long passwdlen, byte[] salt, long opslimit,
                          SizeT memlimit, int alg);
    }

    /** C's size_t, whose width JNA knows per platform (32 bits in Windows' long, 64 in its size_t). */
    public static final class SizeT extends IntegerType {
        public SizeT() {
            this(0);
        }

        SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    private final Libsodium sodium;
    private final Argon2id others;

    SodiumArgon2id(Libsodium sodium, Argon2id others) {
        if (sodium.sodium_init() < 0) {
            throw new IllegalStateException("sodium_init failed");
        }
        this.sodium = sodium;
        this.others = others;
    }

    /** The system's libsodium (a distribution's package, kept up to date with it). */
    static Libsodium system() {
        return Native.load("sodium", Libsodium.class);
    }

    /** The build lazysodium-java carries for this platform. */
    static Libsodium bundled() {
        String path = BUNDLED.get(Platform.RESOURCE_PREFIX);
        URL resource = path == null ? null : SodiumArgon2id.class.getClassLoader().getResource(path);
        if (resource == null) {
            throw new UnsatisfiedLinkError("no libsodium build bundled for " + Platform.RESOURCE_PREFIX);
        }
        try {
            if (resource.getProtocol().equals("file")) {
                return Native.load(new File(resource.toURI()).getAbsolutePath(), Libsodium.class);
            }
            // Inside the jar: JNA copies it to a file of its own to load it from.
            File copy = Native.extractFromResourcePath("/" + path, SodiumArgon2id.class.getClassLoader());
            try {
                return Native.load(copy.getAbsolutePath(), Libsodium.class);
            } finally {
                // Loaded (or not), the copy is not needed any more; where an open library cannot be
                // deleted (Windows), JNA's deleteOnExit and its next start clear it.
                copy.delete();
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot load " + resource, e);
        }
    }

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        if (parallelism != 1 || salt.length != SALT_BYTES || length < MIN_TAG_BYTES) {
            return others.derive(password, salt, memoryKib, iterations, parallelism, length);
        }
        byte[] tag = new byte[length];
        int status = sodium.crypto_pwhash(tag, length, password, password.length, salt, iterations,
                new SizeT(memoryKib * 1024L), ALG_ARGON2ID13);
        if (status != 0) {
            throw new IllegalStateException("libsodium's Argon2id failed for m=" + memoryKib + " KiB t=" + iterations
                    + " (parameters out of its range, or no memory)");
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
