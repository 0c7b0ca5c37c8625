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
        assertThat(sealed).as("Argon2id-derived key, cost stored beside the salt").startsWith("aesgcm2:m=19456,t=2,p=1:");
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
        byte[] ct = Base64.getDecoder().decode(parts[4]);
        ct[0] ^= 1;
        String tampered = String.join(":", parts[0], parts[1], parts[2], parts[3], Base64.getEncoder().encodeToString(ct));
        assertThatThrownBy(() -> encryptor.open(tampered)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void keysSealedWithPbkdf2ByEarlierVersionsStillOpen() {
        // Sealed by authbox before Argon2id (PBKDF2-HMAC-SHA256, 210,000 iterations), secret "a long key secret".
        String sealed = "aesgcm1:jSaRKuzucZQev9dY+uwqcg==:YFWMuMmMILkIlcwf:hDNKSLcjstniD7G9ja/WGmy55B50N3qRUrjcOFFSsrEAoP8jV6PG"
                + "qYZiE8zVjlfXPk7K1WFynjGdtBCZgOKHzo8H7LsUuY5Y067uwqvtZqa75xA=";
        assertThat(new KeyEncryptor("a long key secret").open(sealed)).isEqualTo(PRIVATE_JWK);
        assertThatThrownBy(() -> new KeyEncryptor("another secret").open(sealed))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AUTHBOX_KEY_SECRET");
    }

    @Test
    void theArgon2idFormatIsStable() {
        // Sealed by this format's first build; the secret's non-ASCII characters are hashed as UTF-8.
        String sealed = "aesgcm2:m=19456,t=2,p=1:4DS/8Au0nD1qxhwh+wFiig==:lDWYwk0h6j77HP2S:lFcVu4CCRE0ijHLiyiVrZgTuoIIPLFMUt/LR5"
                + "VhBBK1g6G96ZocGoIWFPya4FUkNUluPQMH71O7exMUe6SxPWo59pMUVMH0v0duvm6rbjqkNLnc=";
        assertThat(new KeyEncryptor("a long key secret \u00e9\u4e2d").open(sealed)).isEqualTo(PRIVATE_JWK);
        assertThatThrownBy(() -> new KeyEncryptor("a long key secret e?").open(sealed)).isInstanceOf(ConfigException.class);
    }

    @Test
    void aStoredCostIsReadBackAndBounded() {
        KeyEncryptor encryptor = new KeyEncryptor("a long key secret");
        String[] parts = encryptor.seal(PRIVATE_JWK).split(":");
        String otherCost = String.join(":", parts[0], "m=4096,t=3,p=1", parts[2], parts[3], parts[4]);
        assertThatThrownBy(() -> encryptor.open(otherCost)).as("the key is derived with the stored cost")
                .isInstanceOf(ConfigException.class);
        for (String cost : new String[] {"m=99999999,t=2,p=1", "m=524288,t=2,p=1", "m=19456,t=11,p=1", "m=19456,t=2,p=5",
                "m=16,t=2,p=4", "m=19456,t=0,p=1", "m=19456,t=2", "t=2,m=19456,p=1", "m=x,t=2,p=1"}) {
            String bad = String.join(":", parts[0], cost, parts[2], parts[3], parts[4]);
            assertThatThrownBy(() -> encryptor.open(bad)).as(cost)
                    .isNotInstanceOf(ConfigException.class).hasMessageContaining("Argon2id cost");
        }
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
