package dev.authbox.security;

import dev.authbox.config.Settings.Argon2Params;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Argon2id hashing of client secrets and user passwords, stored as PHC strings
 * ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}) so the cost can change without
 * invalidating existing hashes: each hash carries its own parameters.
 */
public final class PasswordHasher {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Argon2Params params;
    /**
     * Hashes run here, in arrival order, as many at once as there are cores for the configured
     * parallelism: Argon2id is CPU- and memory-bound, so more at once only adds switching and
     * several MiB of live memory each, which under a login burst turns into garbage-collection time
     * taken from the hashes themselves. Request threads (virtual on JDK 21+) wait here without
     * holding a carrier thread, which a native hash would otherwise pin. Idle threads end.
     */
    private final ThreadPoolExecutor hashing;
    private volatile String dummyHash;

    public PasswordHasher(Argon2Params params) {
        this.params = params;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / params.parallelism());
        AtomicInteger n = new AtomicInteger();
        hashing = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "authbox-argon2-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        hashing.allowCoreThreadTimeOut(true);
    }

    public Argon2Params params() {
        return params;
    }

    /** How many hashes run at once: one per core for each lane of the configured cost. */
    public int concurrentHashes() {
        return hashing.getMaximumPoolSize();
    }

    /** The Argon2id implementation new hashes run in (chosen, and loaded, on the first call). */
    public String implementation() {
        return PreferredArgon2id.get().nameFor(params.parallelism());
    }

    public String hash(String password) {
        byte[] salt = RandomTokens.bytes(SALT_BYTES);
        byte[] out = derive(password, salt, params.memoryKib(), params.iterations(), params.parallelism(), HASH_BYTES);
        return "$argon2id$v=19$" + params.phc()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** True when the password matches the PHC string; false for a mismatch or a malformed hash. */
    public boolean verify(String password, String phc) {
        if (password == null || phc == null) {
            return false;
        }
        String[] parts = phc.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        Argon2Params cost = Argon2Params.parsePhc(parts[3]).orElse(null);
        if (cost == null) {
            return false;
        }
        try {
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            // Bounds as for configured costs: a tampered hash must not make a check take unbounded memory or time.
            if (!Argon2idKdf.acceptable(cost.memoryKib(), cost.iterations(), cost.parallelism())
                    || expected.length < 16 || expected.length > 128) {
                return false;
            }
            byte[] actual = derive(password, salt, cost.memoryKib(), cost.iterations(), cost.parallelism(), expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /**
     * Spends the same time as a real verification, for callers that must not reveal
     * whether the account they were asked about exists.
     */
    public void verifyDummy(String password) {
        String dummy = dummyHash;
        if (dummy == null) {
            // Made on first need rather than at start-up, where it would cost a whole hash.
            dummy = hash(RandomTokens.newToken());
            dummyHash = dummy;
        }
        verify(password == null ? "" : password, dummy);
    }

    private byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        Future<byte[]> tag = hashing.submit(() -> PreferredArgon2id.get().derive(bytes, salt, m, t, p, length));
        try {
            return tag.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tag.cancel(true);
            throw new IllegalStateException("interrupted while waiting for a password hash", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("password hash failed", e.getCause());
        }
    }
}
