package dev.authbox.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The native and the pure-Java Argon2id are interchangeable: the same tags for the same inputs, so
 * a hash written on one node verifies on a node that could only load the other.
 */
class Argon2idImplementationsTest {
    @Test
    void nativeLibargon2LoadsHereAndIsTheOneChosen() {
        assertThat(PreferredArgon2id.get().name()).isEqualTo("libargon2");
    }

    @Test
    void bothImplementationsAgreeAcrossCostsAndInputs() {
        Argon2id c = new NativeArgon2id();
        Argon2id java = new BouncyCastleArgon2id();
        Random random = new Random(42);
        int[][] costs = {{8, 1, 1}, {64, 3, 1}, {256, 2, 4}, {1024, 1, 2}, {7168, 1, 1}};
        for (int[] cost : costs) {
            for (int length : new int[] {16, 32, 64}) {
                byte[] password = new byte[random.nextInt(40)];
                byte[] salt = new byte[8 + random.nextInt(24)];
                random.nextBytes(password);
                random.nextBytes(salt);
                assertThat(c.derive(password, salt, cost[0], cost[1], cost[2], length))
                        .as("m=%d t=%d p=%d length %d", cost[0], cost[1], cost[2], length)
                        .isEqualTo(java.derive(password, salt, cost[0], cost[1], cost[2], length));
            }
        }
    }
}
