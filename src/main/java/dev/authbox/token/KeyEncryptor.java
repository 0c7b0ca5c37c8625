package dev.authbox.token;

import dev.authbox.config.ConfigException;
import dev.authbox.config.Settings.Argon2Params;
import dev.authbox.security.Argon2idKdf;
import dev.authbox.security.RandomTokens;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private signing keys for storage: AES-256-GCM under a key derived from the configured
 * secret with Argon2id (per-key salt, cost stored beside it). Without a secret, keys are stored in
 * the clear and marked so; the server warns about that at start-up.
 *
 * <p>Keys sealed by earlier versions (PBKDF2-HMAC-SHA256, 210,000 iterations) still open. Argon2id
 * replaced it because its derivation is both stronger (memory-hard, at OWASP's recommended cost,
 * where that PBKDF2 count is below OWASP's 600,000) and cheaper at start-up: native code instead of
 * 420,000 HMAC compressions on a cold JIT, about 0.3 s of every start on two cores.
 */
public final class KeyEncryptor {
    private static final String PLAIN = "plain";
    private static final String PBKDF2_SEALED = "aesgcm1";
    private static final String ARGON2_SEALED = "aesgcm2";
    private static final int PBKDF2_ITERATIONS = 210_000;
    /** OWASP's first Argon2id recommendation; one derivation per key per start. */
    private static final String ARGON2_COST = new Argon2Params(19_456, 2, 1).phc();
    private static final int MAX_SEAL_MEMORY_KIB = 256 * 1024;
    private static final int MAX_SEAL_ITERATIONS = 10;
    private static final int MAX_SEAL_LANES = 4;
    private static final int KEY_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final char[] secret;
    private final Map<String, SecretKeySpec> derived = new ConcurrentHashMap<>();

    public KeyEncryptor(String secret) {
        this.secret = secret == null ? null : secret.toCharArray();
    }

    public boolean encrypts() {
        return secret != null;
    }

    public String seal(String plaintext) {
        if (secret == null) {
            return PLAIN + ":" + B64.encodeToString(plaintext.getBytes(StandardCharsets.UTF_8));
        }
        byte[] salt = RandomTokens.bytes(16);
        byte[] iv = RandomTokens.bytes(12);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, argon2Key(ARGON2_COST, salt), new GCMParameterSpec(128, iv));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ARGON2_SEALED + ":" + ARGON2_COST + ":" + B64.encodeToString(salt) + ":" + B64.encodeToString(iv)
                    + ":" + B64.encodeToString(ct);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a signing key", e);
        }
    }

    public String open(String sealed) {
        String[] parts = sealed.split(":");
        if (parts[0].equals(PLAIN) && parts.length == 2) {
            return new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
        }
        boolean argon2 = parts[0].equals(ARGON2_SEALED) && parts.length == 5;
        if (!argon2 && !(parts[0].equals(PBKDF2_SEALED) && parts.length == 4)) {
            throw new IllegalStateException("a stored signing key has an unknown format (sealed by a newer authbox?)");
        }
        if (secret == null) {
            throw new ConfigException("the stored signing keys are encrypted: set AUTHBOX_KEY_SECRET to the secret they were sealed with");
        }
        int at = argon2 ? 2 : 1;
        try {
            byte[] salt = B64D.decode(parts[at]);
            SecretKeySpec key = argon2 ? argon2Key(parts[1], salt) : pbkdf2Key(salt);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, B64D.decode(parts[at + 1])));
            return new String(cipher.doFinal(B64D.decode(parts[at + 2])), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new ConfigException("AUTHBOX_KEY_SECRET does not open the stored signing keys (wrong secret?)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a signing key", e);
        }
    }

    /** The key for an Argon2id cost written as {@code m=<KiB>,t=<passes>,p=<lanes>}. */
    private SecretKeySpec argon2Key(String cost, byte[] salt) {
        return derived.computeIfAbsent(ARGON2_SEALED + cost + B64.encodeToString(salt), s -> {
            Argon2Params stored = Argon2Params.parsePhc(cost).orElseThrow(
                    () -> new IllegalStateException("a stored signing key has an unknown Argon2id cost: " + cost));
            // Tighter than any Argon2id cost: only what sealing could have written, so that a tampered
            // row cannot make every start and reload take gigabytes or minutes.
            if (stored.memoryKib() > MAX_SEAL_MEMORY_KIB || stored.iterations() > MAX_SEAL_ITERATIONS
                    || stored.parallelism() > MAX_SEAL_LANES) {
                throw new IllegalStateException("a stored signing key has an Argon2id cost out of range: " + cost);
            }
            byte[] k = Argon2idKdf.derive(new String(secret).getBytes(StandardCharsets.UTF_8), salt, stored.memoryKib(),
                    stored.iterations(), stored.parallelism(), KEY_BYTES);
            return new SecretKeySpec(k, "AES");
        });
    }

    private SecretKeySpec pbkdf2Key(byte[] salt) {
        return derived.computeIfAbsent(PBKDF2_SEALED + B64.encodeToString(salt), s -> {
            try {
                SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] k = f.generateSecret(new PBEKeySpec(secret, salt, PBKDF2_ITERATIONS, KEY_BYTES * 8)).getEncoded();
                return new SecretKeySpec(k, "AES");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
            }
        });
    }
}
