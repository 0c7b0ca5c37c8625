package dev.authbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authbox.config.Settings.Argon2Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Argon2id PHC strings: their format, verification, and tolerance of other parameters and garbage. */
class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(new Argon2Params(256, 1, 1));

    @Test
    void hashesArePhcStringsCarryingTheirParameters() {
        String phc = hasher.hash("correct horse");
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=256,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(phc).doesNotContain("correct horse");
        assertThat(hasher.hash("correct horse")).as("a fresh salt each time").isNotEqualTo(phc);
        assertThat(new PasswordHasher(new Argon2Params(512, 3, 2)).hash("x")).startsWith("$argon2id$v=19$m=512,t=3,p=2$");
    }

    @Test
    void verifyAcceptsOnlyTheRightPassword() {
        String phc = hasher.hash("correct horse");
        assertThat(hasher.verify("correct horse", phc)).isTrue();
        assertThat(hasher.verify("correct horsf", phc)).isFalse();
        assertThat(hasher.verify("Correct horse", phc)).isFalse();
        assertThat(hasher.verify("", phc)).isFalse();
        assertThat(hasher.verify(null, phc)).isFalse();
        String unicode = hasher.hash("pässwörd-密码");
        assertThat(hasher.verify("pässwörd-密码", unicode)).isTrue();
        assertThat(hasher.verify("passwort-密码", unicode)).isFalse();
    }

    @Test
    void aHashMadeWithOtherParametersStillVerifies() {
        String old = new PasswordHasher(new Argon2Params(512, 2, 2)).hash("s3cret");
        assertThat(hasher.verify("s3cret", old)).isTrue();
        assertThat(hasher.verify("s3cret!", old)).isFalse();
        // the parameters in the string are what counts: changing them breaks the match
        assertThat(hasher.verify("s3cret", old.replace("m=512,t=2,p=2", "m=512,t=1,p=2"))).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "plain-text-password",
        "$argon2id$v=19$",
        "$argon2id$v=19$m=256,t=1,p=1$",
        "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA",
        "$argon2i$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=16$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=abc,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=256,t=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=256,t=1,p=1,x=2$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=256,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=256,t=1,p=-1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=256,t=1,p=1$!!not base64!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$!!not base64!!",
        "$argon2id$v=19$m=256,t=1,p=1$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA",
        "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$extra",
        "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    })
    void malformedHashesAreFalseAndNeverThrow(String phc) {
        assertThat(hasher.verify("password", phc)).isFalse();
        assertThat(hasher.verify("", phc)).isFalse();
    }

    @Test
    void aValidHashIsNotFooledByTheDummyCheck() {
        hasher.verifyDummy(null);
        hasher.verifyDummy("anything");
        assertThat(hasher.verify("x", hasher.hash("x"))).isTrue();
    }
}
