package dev.authbox.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks presented secrets against stored Argon2id hashes, remembering successful checks so that
 * the hot path (client authentication on every token request) pays the slow hash once per secret.
 * The memo key binds the owner, the owner's version and a keyed MAC of the presented secret: a new
 * version (secret changed, client edited or deleted) misses the memo at once, and the memo itself
 * holds nothing an attacker could test guesses against without this process's random MAC key.
 * Failures are never remembered, so every wrong guess costs a full hash; identical checks running
 * at the same moment share one.
 */
public final class SecretVerifier {
    private final PasswordHasher hasher;
    private final SecretKeySpec memoKey = new SecretKeySpec(RandomTokens.bytes(32), "HmacSHA256");
    private final Cache<String, Boolean> verified = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
    /** Checks under way, so a burst of identical first requests pays one hash, not one each. */
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

    public SecretVerifier(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    public boolean verify(String owner, long version, String presented, String storedHash) {
        if (presented == null || storedHash == null) {
            return false;
        }
        String key = owner + '\u0000' + version + '\u0000' + mac(presented) + '\u0000' + storedHash.hashCode();
        if (verified.getIfPresent(key) != null) {
            return true;
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join();
        }
        try {
            boolean ok = hasher.verify(presented, storedHash);
            if (ok) {
                verified.put(key, Boolean.TRUE);
            }
            mine.complete(ok);
            return ok;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private String mac(String presented) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(memoKey);
            return Base64.getEncoder().encodeToString(mac.doFinal(presented.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
