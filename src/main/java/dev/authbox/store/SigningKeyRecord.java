package dev.authbox.store;

/**
 * A current signing key: its public JWK, its private key (sealed by the key encryptor), when it was
 * made and when a rotation superseded it (null while it is the newest of its algorithm's keys).
 */
public record SigningKeyRecord(String kid, String alg, String publicJwk, String privateKey, long createdAt, Long supersededAt) {
}
