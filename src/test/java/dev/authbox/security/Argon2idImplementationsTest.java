package dev.authbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The native and the pure-Java Argon2id are interchangeable: the same tags for the same inputs, so
 * a hash written on one node verifies on a node that could only load another.
 */
class Argon2idImplementationsTest {
    private final Argon2id java = new BouncyCastleArgon2id();

    @Test
    void libsodiumLoadsHereAndIsTheOneChosen() {
        assertThat(PreferredArgon2id.get().name()).isEqualTo("libsodium");
    }

    @Test
    void everyImplementationComputesTheKnownAnswersItIsTestedOn() {
        assertThat(Argon2idKnownAnswer.pureJavaPasses()).isTrue();
        assertThat(Argon2idKnownAnswer.everyCost(new NativeArgon2id())).isTrue();
        assertThat(Argon2idKnownAnswer.oneLane(new SodiumArgon2id(SodiumArgon2id.bundled(), java))).isTrue();
        Argon2id onePassTooMany = new Argon2id() {
            @Override
            public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
                return java.derive(password, salt, memoryKib, iterations + 1, parallelism, length);
            }

            @Override
            public String name() {
                return "one pass too many";
            }
        };
        assertThat(Argon2idKnownAnswer.oneLane(onePassTooMany)).isFalse();
        assertThat(Argon2idKnownAnswer.everyCost(onePassTooMany)).isFalse();
    }

    @Test
    void severalLanesGoToLibargon2() {
        Argon2id chosen = PreferredArgon2id.get();
        assertThat(chosen.nameFor(2)).isEqualTo("libargon2");
        byte[] password = "several lanes".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "sixteen byte str".getBytes(StandardCharsets.UTF_8);
        assertThat(chosen.derive(password, salt, 256, 2, 2, 32)).isEqualTo(java.derive(password, salt, 256, 2, 2, 32));
    }

    @Test
    void aChoiceOnFirstUseIsMadeOnceWhenFirstNeeded() {
        AtomicInteger choices = new AtomicInteger();
        Argon2id lazy = new PreferredArgon2id.OnFirstUse(() -> {
            choices.incrementAndGet();
            return java;
        });
        assertThat(choices).hasValue(0);
        byte[] password = "lazy".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "sixteen byte str".getBytes(StandardCharsets.UTF_8);
        assertThat(lazy.derive(password, salt, 64, 1, 1, 16)).isEqualTo(java.derive(password, salt, 64, 1, 1, 16));
        assertThat(lazy.name()).isEqualTo(java.name());
        assertThat(choices).hasValue(1);
    }

    @Test
    void libargon2AgreesWithBouncyCastleAcrossCostsAndInputs() {
        Argon2id c = new NativeArgon2id();
        int[][] costs = {{8, 1, 1}, {64, 3, 1}, {256, 2, 4}, {1024, 1, 2}, {7168, 1, 1}};
        Random random = new Random(42);
        for (int[] cost : costs) {
            for (int length : new int[] {16, 32, 64}) {
                byte[] password = bytes(random, random.nextInt(40));
                byte[] salt = bytes(random, 8 + random.nextInt(24));
                assertThat(c.derive(password, salt, cost[0], cost[1], cost[2], length))
                        .as("m=%d t=%d p=%d length %d", cost[0], cost[1], cost[2], length)
                        .isEqualTo(java.derive(password, salt, cost[0], cost[1], cost[2], length));
            }
        }
    }

    @Test
    void libsodiumComputesOneLaneSixteenByteSaltsAndHandsTheRestOn() {
        AtomicInteger handedOn = new AtomicInteger();
        Argon2id sodium = new SodiumArgon2id(SodiumArgon2id.bundled(), new Argon2id() {
            @Override
            public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
                handedOn.incrementAndGet();
                return java.derive(password, salt, memoryKib, iterations, parallelism, length);
            }

            @Override
            public String name() {
                return "counting";
            }
        });
        Random random = new Random(7);
        int[][] oneLane = {{8, 1}, {64, 3}, {1024, 1}, {7168, 2}, {19456, 2}};
        for (int[] cost : oneLane) {
            for (int length : new int[] {16, 32, 64}) {
                byte[] password = bytes(random, random.nextInt(40));
                byte[] salt = bytes(random, 16);
                assertThat(sodium.derive(password, salt, cost[0], cost[1], 1, length))
                        .as("m=%d t=%d length %d", cost[0], cost[1], length)
                        .isEqualTo(java.derive(password, salt, cost[0], cost[1], 1, length));
            }
        }
        assertThat(handedOn).as("computed by libsodium itself").hasValue(0);

        byte[] password = bytes(random, 12);
        assertThat(sodium.derive(password, bytes(random, 16), 256, 2, 4, 32)).hasSize(32);
        assertThat(sodium.derive(password, bytes(random, 24), 64, 2, 1, 32)).hasSize(32);
        assertThat(sodium.derive(password, bytes(random, 16), 64, 2, 1, 12)).hasSize(12);
        assertThat(handedOn).as("several lanes, another salt length, a short tag").hasValue(3);
    }

    /** Where the machine has its own libsodium (Debian's libsodium23 here), that one is preferred: it must agree too. */
    @Test
    void theSystemsLibsodiumAgreesToo() {
        SodiumArgon2id.Libsodium system;
        try {
            system = SodiumArgon2id.system();
        } catch (UnsatisfiedLinkError none) {
            Assumptions.abort("no system libsodium on this machine");
            return;
        }
        Argon2id sodium = new SodiumArgon2id(system, java);
        byte[] password = "correct horse".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.UTF_8);
        assertThat(sodium.derive(password, salt, 7168, 2, 1, 32)).isEqualTo(java.derive(password, salt, 7168, 2, 1, 32));
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
