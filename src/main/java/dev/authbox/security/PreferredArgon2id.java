package dev.authbox.security;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks, once per process and on first use, the Argon2id implementation every hash uses: libsodium
 * for the one-lane costs it computes (1.3-1.5x libargon2's rate here), native libargon2 for the
 * rest (1.3-1.4x Bouncy Castle's; loaded when first needed), Bouncy Castle where neither loads.
 */
final class PreferredArgon2id {
    private static final Logger LOG = LoggerFactory.getLogger(PreferredArgon2id.class);

    private PreferredArgon2id() {
    }

    /** Chosen by the first hash rather than at start-up: loading a native library takes time. */
    static Argon2id get() {
        return Holder.CHOSEN;
    }

    private static final class Holder {
        static final Argon2id CHOSEN = choose();
    }

    private static Argon2id choose() {
        // libargon2 computes what libsodium does not (more than one lane, hashes written elsewhere);
        // with libsodium present that is seldom needed, so it is loaded and checked on first use.
        Argon2id otherCosts = new OnFirstUse(() -> anyCost("Argon2id for the costs libsodium does not compute: {}"));
        // The system's libsodium first; the bundled build when there is none, or it fails the test.
        Optional<Argon2id> sodium = passing(() -> new SodiumArgon2id(SodiumArgon2id.system(), otherCosts),
                "system libsodium", Argon2idKnownAnswer::oneLane)
                .or(() -> passing(() -> new SodiumArgon2id(SodiumArgon2id.bundled(), otherCosts),
                        "bundled libsodium", Argon2idKnownAnswer::oneLane));
        if (sodium.isPresent()) {
            LOG.info("Argon2id: libsodium");
            return sodium.get();
        }
        return anyCost("Argon2id: {}");
    }

    private static Argon2id anyCost(String logMessage) {
        Argon2id chosen = passing(NativeArgon2id::new, "libargon2", Argon2idKnownAnswer::everyCost)
                .orElseGet(BouncyCastleArgon2id::new);
        LOG.info(logMessage, describe(chosen));
        return chosen;
    }

    private static String describe(Argon2id implementation) {
        return implementation instanceof BouncyCastleArgon2id ? "Bouncy Castle" : "native " + implementation.name();
    }

    /** An implementation chosen when it first computes something, then kept. */
    static final class OnFirstUse implements Argon2id {
        private final Supplier<Argon2id> choice;
        private volatile Argon2id chosen;

        OnFirstUse(Supplier<Argon2id> choice) {
            this.choice = choice;
        }

        private Argon2id chosen() {
            Argon2id c = chosen;
            if (c == null) {
                synchronized (this) {
                    c = chosen;
                    if (c == null) {
                        c = choice.get();
                        chosen = c;
                    }
                }
            }
            return c;
        }

        @Override
        public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
            return chosen().derive(password, salt, memoryKib, iterations, parallelism, length);
        }

        @Override
        public String name() {
            return chosen().name();
        }

        @Override
        public String nameFor(int parallelism) {
            return chosen().nameFor(parallelism);
        }
    }

    /** The native implementation when it loads and computes the known answers it is tested on. */
    private static Optional<Argon2id> passing(Supplier<Argon2id> nativeLib, String name, Predicate<Argon2id> test) {
        try {
            Argon2id candidate = nativeLib.get();
            if (test.test(candidate)) {
                return Optional.of(candidate);
            }
            LOG.warn("native {} gives a wrong answer on Argon2id's known-answer test; not using it", name);
        } catch (LinkageError | RuntimeException e) {
            LOG.info("native {} unavailable ({})", name, e.toString());
        }
        return Optional.empty();
    }
}
