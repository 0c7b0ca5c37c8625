package dev.authbox.security;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;

/** Argon2id in the reference C library (libargon2, bundled for common platforms, called through JNA). */
final class NativeArgon2id implements Argon2id {
    private final Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);

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
