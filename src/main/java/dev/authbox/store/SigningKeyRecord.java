package dev.authbox.store;

/** A signing key: its public JWK, its private key (sealed by the key encryptor) and its life span. */
public record SigningKeyRecord(String kid, String alg, String publicJwk, String privateKey, long createdAt, Long retiredAt) {
}
