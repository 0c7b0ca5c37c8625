package dev.authbox.security;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Argon2id in the reference C library (libargon2, bundled for common platforms, called through JNA). */
final class NativeArgon2id implements Argon2id {
    private static final Logger LOG = LoggerFactory.getLogger(NativeArgon2id.class);
    /** glibc's mallopt parameter M_MMAP_THRESHOLD. */
    private static final int M_MMAP_THRESHOLD = -3;

    private final Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);

    /** The C library's allocator tuning call (glibc). */
    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    NativeArgon2id() {
        returnLargeBlocksOnFree();
    }

    /**
     * libargon2 mallocs a hash's whole memory (m KiB) and frees it after. glibc raises its mmap
     * threshold to the largest block freed, so from the second hash on each hashing thread's arena
     * would keep that much memory for good (tens of MiB of resident memory doing nothing). A fixed
     * 1 MiB threshold keeps large blocks mmap'd, so free returns them to the system.
     */
    private static void returnLargeBlocksOnFree() {
        if (!Platform.isLinux()) {
            return;
        }
        try {
            if (Native.load("c", LibC.class).mallopt(M_MMAP_THRESHOLD, 1 << 20) != 1) {
                LOG.debug("mallopt(M_MMAP_THRESHOLD) refused");
            }
        } catch (LinkageError e) {
            LOG.debug("no mallopt in this C library ({})", e.toString());
        }
    }

    @Override
    public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        return argon2.rawHashAdvanced(iterations, memoryKib, parallelism, password, salt, null, null, length,
                Argon2Version.V13);
    }

    @Override
    public String name() {
        return "libargon2";
    }
}
