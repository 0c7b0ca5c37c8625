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

    private final Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
    private final LibC libc = glibc();

    /** The C library's call that gives freed heap memory back to the system (glibc). */
    private interface LibC extends Library {
        int malloc_trim(long pad);
    }

    private static LibC glibc() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            LibC c = Native.load("c", LibC.class);
            c.malloc_trim(0);
            return c;
        } catch (LinkageError e) {
            LOG.debug("no malloc_trim in this C library ({})", e.toString());
            return null;
        }
    }

    /**
     * libargon2 mallocs a hash's whole memory (m KiB) and frees it after; glibc keeps such blocks in
     * the hashing thread's arena for the next hash, which is what a busy node wants but leaves tens
     * of MiB resident when the logins stop. Trimming gives them back.
     */
    @Override
    public void releaseFreedMemory() {
        if (libc != null) {
            libc.malloc_trim(0);
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
