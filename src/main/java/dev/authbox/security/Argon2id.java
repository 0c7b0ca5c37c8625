package dev.authbox.security;

/**
 * One Argon2id computation (RFC 9106, version 0x13): the raw tag of a password under a salt and a
 * cost. Two implementations compute the same function: native libargon2 (1.3-1.4x the rate
 * here) where it loads, and Bouncy Castle's pure Java everywhere else.
 */
interface Argon2id {
    byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length);

    String name();
}
