package dev.authbox.security;

/**
 * One Argon2id computation (RFC 9106, version 0x13): the raw tag of a password under a salt and a
 * cost. Three implementations compute the same function: libsodium's SIMD code for one lane,
 * native libargon2 for any cost, and Bouncy Castle's pure Java everywhere else.
 */
interface Argon2id {
    byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length);

    String name();

    /** The implementation that computes new hashes of this many lanes (16-byte salt, 32-byte tag). */
    default String nameFor(int parallelism) {
        return name();
    }
}
