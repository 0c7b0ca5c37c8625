package dev.authbox;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the C heap's free memory back to the system (glibc's {@code malloc_trim}). The JIT compilers
 * and libargon2 malloc tens of MiB in bursts and free them again; glibc keeps what was freed in its
 * arenas for reuse, so without trimming a node stays at the resident size of its busiest minute (30
 * to 40 MiB more after a benchmark run here). The JVM's own {@code -XX:TrimNativeHeapInterval} does
 * the same, but only on some JDK builds and only when given on the command line; this works for
 * every JDK 17+ and every way of starting the server.
 */
final class NativeHeapTrimmer {
    private static final Logger LOG = LoggerFactory.getLogger(NativeHeapTrimmer.class);

    private final LibC libc;

    private interface LibC extends Library {
        int malloc_trim(long pad);
    }

    private NativeHeapTrimmer(LibC libc) {
        this.libc = libc;
    }

    /** Empty where the C library has no {@code malloc_trim} (not glibc) or JNA cannot load. */
    static Optional<NativeHeapTrimmer> load() {
        if (!Platform.isLinux()) {
            return Optional.empty();
        }
        try {
            NativeHeapTrimmer trimmer = new NativeHeapTrimmer(Native.load("c", LibC.class));
            trimmer.trim(); // JNA binds a function at its first call: fail here, not on every tick
            return Optional.of(trimmer);
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("no malloc_trim in this C library ({}); the C heap is not trimmed", e.toString());
            return Optional.empty();
        }
    }

    void trim() {
        libc.malloc_trim(0);
    }
}
