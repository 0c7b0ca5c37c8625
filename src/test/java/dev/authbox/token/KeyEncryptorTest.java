package dev.authbox.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authbox.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Sealing private signing keys at rest. */
class KeyEncryptorTest {
    private static final String PRIVATE_JWK = "{\"kty\":\"RSA\",\"kid\":\"k1\",\"d\":\"private-exponent-value\",\"n\":\"modulus\"}";

    @Test
    void sealThenOpenGivesThePlaintextBack() {
        KeyEncryptor encryptor = new KeyEncryptor("a long key secret");
        assertThat(encryptor.encrypts()).isTrue();
        String sealed = encryptor.seal(PRIVATE_JWK);
        assertThat(sealed).startsWith("aesgcm1:");
        assertThat(encryptor.open(sealed)).isEqualTo(PRIVATE_JWK);
        assertThat(new KeyEncryptor("a long key secret").open(sealed)).as("another instance, same secret").isEqualTo(PRIVATE_JWK);
        assertThat(encryptor.seal(PRIVATE_JWK)).as("fresh salt and nonce").isNotEqualTo(sealed);
    }

    @Test
    void theSealedValueHidesThePlaintext() {
        String sealed = new KeyEncryptor("a long key secret").seal(PRIVATE_JWK);
        String b64 = Base64.getEncoder().encodeToString(PRIVATE_JWK.getBytes(StandardCharsets.UTF_8));
        assertThat(sealed).doesNotContain("private-exponent-value", "kty", "RSA", b64.substring(0, 20), "a long key secret");
    }

    @Test
    void aWrongSecretIsAConfigErrorNamingTheSetting() {
        String sealed = new KeyEncryptor("a long key secret").seal(PRIVATE_JWK);
        assertThatThrownBy(() -> new KeyEncryptor("another secret").open(sealed))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AUTHBOX_KEY_SECRET");
        assertThatThrownBy(() -> new KeyEncryptor(null).open(sealed))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AUTHBOX_KEY_SECRET");
    }

    @Test
    void aTamperedSealedValueDoesNotOpen() {
        KeyEncryptor encryptor = new KeyEncryptor("a long key secret");
        String sealed = encryptor.seal(PRIVATE_JWK);
        String[] parts = sealed.split(":");
        byte[] ct = Base64.getDecoder().decode(parts[3]);
        ct[0] ^= 1;
        String tampered = parts[0] + ":" + parts[1] + ":" + parts[2] + ":" + Base64.getEncoder().encodeToString(ct);
        assertThatThrownBy(() -> encryptor.open(tampered)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void withoutASecretValuesAreMarkedPlain() {
        KeyEncryptor plain = new KeyEncryptor(null);
        assertThat(plain.encrypts()).isFalse();
        String stored = plain.seal(PRIVATE_JWK);
        assertThat(stored).startsWith("plain:");
        assertThat(plain.open(stored)).isEqualTo(PRIVATE_JWK);
        assertThat(new KeyEncryptor("a secret set later").open(stored)).as("plain keys open once a secret is set").isEqualTo(PRIVATE_JWK);
    }
}
