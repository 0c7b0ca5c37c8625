package dev.authbox.token;

import dev.authbox.config.ConfigException;
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
 * secret with PBKDF2 (per-key salt). Without a secret, keys are stored in the clear and marked so;
 * the server warns about that at start-up.
 */
public final class KeyEncryptor {
    private static final String SEALED = "aesgcm1";
    private static final String PLAIN = "plain";
    private static final int PBKDF2_ITERATIONS = 210_000;
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
            cipher.init(Cipher.ENCRYPT_MODE, key(salt), new GCMParameterSpec(128, iv));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return SEALED + ":" + B64.encodeToString(salt) + ":" + B64.encodeToString(iv) + ":" + B64.encodeToString(ct);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a signing key", e);
        }
    }

    public String open(String sealed) {
        String[] parts = sealed.split(":");
        if (parts[0].equals(PLAIN) && parts.length == 2) {
            return new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
        }
        if (!parts[0].equals(SEALED) || parts.length != 4) {
            throw new IllegalStateException("a stored signing key has an unknown format");
        }
        if (secret == null) {
            throw new ConfigException("the stored signing keys are encrypted: set AUTHBOX_KEY_SECRET to the secret they were sealed with");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(B64D.decode(parts[1])), new GCMParameterSpec(128, B64D.decode(parts[2])));
            return new String(cipher.doFinal(B64D.decode(parts[3])), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new ConfigException("AUTHBOX_KEY_SECRET does not open the stored signing keys (wrong secret?)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a signing key", e);
        }
    }

    private SecretKeySpec key(byte[] salt) {
        return derived.computeIfAbsent(B64.encodeToString(salt), s -> {
            try {
                SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] k = f.generateSecret(new PBEKeySpec(secret, salt, PBKDF2_ITERATIONS, 256)).getEncoded();
                return new SecretKeySpec(k, "AES");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
            }
        });
    }
}
