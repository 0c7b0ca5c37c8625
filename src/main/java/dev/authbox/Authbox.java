package dev.authbox;

import dev.authbox.admin.AdminRoutes;
import dev.authbox.admin.Bootstrap;
import dev.authbox.config.Settings;
import dev.authbox.http.ApiAuthenticator;
import dev.authbox.http.ClientAddresses;
import dev.authbox.http.HttpServer;
import dev.authbox.http.OAuthRoutes;
import dev.authbox.http.WellKnownRoutes;
import dev.authbox.oauth.ClientAuthenticator;
import dev.authbox.oauth.AuthorizationCodeGrant;
import dev.authbox.oauth.AuthorizationEndpoint;
import dev.authbox.oauth.AuthorizationRequestParser;
import dev.authbox.oauth.ClientCredentialsGrant;
import dev.authbox.oauth.Consents;
import dev.authbox.oauth.SsoSessions;
import dev.authbox.store.AuthCodeStore;
import dev.authbox.store.SsoSessionStore;
import dev.authbox.ui.AuthorizeRoutes;
import dev.authbox.ui.BrowserCookies;
import dev.authbox.ui.ConsentRoutes;
import dev.authbox.ui.LoginRoutes;
import dev.authbox.ui.LogoutRoutes;
import dev.authbox.ui.PageRenderer;
import dev.authbox.oauth.PasswordGrant;
import dev.authbox.oauth.RefreshTokenGrant;
import dev.authbox.oauth.TokenIntrospection;
import dev.authbox.oauth.TokenResponder;
import dev.authbox.oauth.TokenRevocation;
import dev.authbox.oauth.UserAuthenticator;
import dev.authbox.oidc.IdTokens;
import dev.authbox.oidc.UserInfo;
import dev.authbox.resource.UserDirectory;
import dev.authbox.security.LoginThrottle;
import dev.authbox.store.LoginFailureStore;
import dev.authbox.store.RefreshTokenStore;
import dev.authbox.oauth.TokenEndpoint;
import dev.authbox.oidc.Discovery;
import dev.authbox.resource.ClientDirectory;
import dev.authbox.resource.ResourceService;
import dev.authbox.security.CryptoProviders;
import dev.authbox.security.PasswordHasher;
import dev.authbox.security.SecretVerifier;
import dev.authbox.store.Database;
import dev.authbox.store.DocumentTable;
import dev.authbox.store.SessionStore;
import dev.authbox.store.SigningKeyStore;
import dev.authbox.store.TokenIssueStore;
import dev.authbox.token.KeyEncryptor;
import dev.authbox.token.Sessions;
import dev.authbox.token.SigningKeys;
import dev.authbox.token.SigningTurns;
import dev.authbox.token.TokenGenerator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One authbox node: wires the pieces together from its settings, and starts and stops them. */
public final class Authbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Authbox.class);

    private final Database database;
    private final HttpServer http;
    private final ScheduledExecutorService background;
    private final ScheduledExecutorService keyChecks;
    private final ScheduledExecutorService purge;
    private final TokenIssueStore tokenWrites;
    private final RefreshTokenStore refreshTokens;
    private final AuthCodeStore codes;

    private Authbox(Database database, HttpServer http, ScheduledExecutorService background,
                    ScheduledExecutorService keyChecks, ScheduledExecutorService purge, TokenIssueStore tokenWrites,
                    RefreshTokenStore refreshTokens, AuthCodeStore codes) {
        this.database = database;
        this.http = http;
        this.background = background;
        this.keyChecks = keyChecks;
        this.purge = purge;
        this.tokenWrites = tokenWrites;
        this.refreshTokens = refreshTokens;
        this.codes = codes;
    }

    public static Authbox start(Settings settings, PrintStream console) {
        // Start-up work that does not depend on each other runs side by side: loading the native
        // crypto library, opening the database.
        CompletableFuture<String> crypto = CompletableFuture.supplyAsync(CryptoProviders::install);
        Database database = Database.open(settings);
        try {
            return wire(settings, database, console, joined(crypto));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static Authbox wire(Settings settings, Database database, PrintStream console, String crypto) {
        var jdbc = database.jdbc();
        PasswordHasher hasher = new PasswordHasher(settings.argon2());
        SecretVerifier secretVerifier = new SecretVerifier(hasher);

        DocumentTable clientTable = new DocumentTable(jdbc, "client", "secret_hash", List.of());
        DocumentTable userTable = new DocumentTable(jdbc, "app_user", "password_hash", List.of("email", "inactive"));
        ClientDirectory clientDirectory = new ClientDirectory(clientTable);
        ResourceService clients = ResourceService.clients(clientTable, hasher, clientDirectory::invalidate);
        UserDirectory userDirectory = new UserDirectory(userTable);
        ResourceService grants = ResourceService.grants(new DocumentTable(jdbc, "consent_grant", null,
                List.of("user_id", "client_id")));
        ResourceService users = ResourceService.users(userTable, hasher, userDirectory::invalidate);

        // The bootstrap clients and users (Argon2id hashing) are written while the keys load.
        CompletableFuture<Void> bootstrapped = CompletableFuture.runAsync(() -> new Bootstrap(clients, users, console).run(settings));
        KeyEncryptor encryptor = new KeyEncryptor(settings.keySecret());
        if (!encryptor.encrypts()) {
            LOG.warn("*** AUTHBOX_KEY_SECRET is not set: private signing keys are stored UNENCRYPTED in the database. "
                    + "Set it (a long random string) before production use. ***");
        }
        SigningKeys keys = new SigningKeys(new SigningKeyStore(jdbc), encryptor, settings.signingAlg(),
                new SigningTurns(settings.signingConcurrency()));
        SessionStore sessionStore = new SessionStore(jdbc);
        Sessions sessions = new Sessions(sessionStore, keys);
        TokenIssueStore tokenWrites = new TokenIssueStore(jdbc);
        TokenGenerator tokens = new TokenGenerator(settings.issuer(), keys, tokenWrites);
        IdTokens idTokens = new IdTokens(settings.issuer(), keys);
        TokenResponder responder = new TokenResponder(tokens, idTokens);
        AuthCodeStore codes = new AuthCodeStore(jdbc);
        RefreshTokenStore refreshTokens = new RefreshTokenStore(jdbc, database.postgres());
        LoginFailureStore loginFailures = new LoginFailureStore(jdbc);
        LoginThrottle throttle = new LoginThrottle(loginFailures, settings.loginMaxFailures(),
                settings.loginWindowSeconds());

        UserAuthenticator userAuthenticator = new UserAuthenticator(userDirectory, hasher, throttle);
        ClientAuthenticator clientAuthenticator = new ClientAuthenticator(clientDirectory, secretVerifier);
        TokenEndpoint tokenEndpoint = new TokenEndpoint(clientAuthenticator, List.of(
                new AuthorizationCodeGrant(codes, tokens, responder, idTokens, userDirectory, sessions),
                new ClientCredentialsGrant(responder),
                new PasswordGrant(userAuthenticator, responder),
                new RefreshTokenGrant(refreshTokens, tokens, responder, userDirectory, sessions)));
        ApiAuthenticator apiAuthenticator = new ApiAuthenticator(clientDirectory, secretVerifier, sessions, settings.adminId());


        SsoSessionStore ssoSessionStore = new SsoSessionStore(jdbc);
        SsoSessions ssoSessions = new SsoSessions(ssoSessionStore, sessions, clientDirectory, refreshTokens,
                settings.ssoSessionSeconds());
        Consents consents = new Consents(grants);
        AuthorizationRequestParser parser = new AuthorizationRequestParser(clientDirectory);
        AuthorizationEndpoint authorization = new AuthorizationEndpoint(settings.issuer(), userDirectory, consents, codes,
                tokens, idTokens);
        ClientAddresses addresses = new ClientAddresses(settings.trustedProxies());
        BrowserCookies cookies = new BrowserCookies(settings.httpsIssuer() || settings.tls(), addresses);
        PageRenderer pages = new PageRenderer();

        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        joined(bootstrapped);
        Discovery discovery = new Discovery(settings.issuer(), tokenEndpoint.grantTypes(),
                SigningKeys.ID_TOKEN_ALGORITHM.getName(), keys.accessTokenAlgorithm().getName());
        HttpServer http = new HttpServer(new HttpServer.Listen(settings.host(), settings.port(), settings.tlsCert(),
                settings.tlsKey()), metrics, List.of(
                new OAuthRoutes(tokenEndpoint, clientAuthenticator, new TokenRevocation(sessions, refreshTokens),
                        new TokenIntrospection(settings.issuer(), sessions, refreshTokens, userDirectory),
                        new UserInfo(sessions, userDirectory), metrics, addresses)::register,
                new WellKnownRoutes(discovery, keys, database, metrics)::register,
                new AdminRoutes(apiAuthenticator, List.of(clients, users, grants), sessions, keys)::register,
                new AuthorizeRoutes(parser, authorization, ssoSessions, cookies, pages)::register,
                new LoginRoutes(userAuthenticator, ssoSessions, clientDirectory, cookies, pages, addresses)::register,
                new ConsentRoutes(parser, authorization, consents, ssoSessions, userDirectory, cookies, pages)::register,
                new LogoutRoutes(ssoSessions, clientDirectory, userDirectory, keys, cookies, pages)::register));
        LOG.info("authbox listening on {}://{}:{} (issuer {}, database {}, crypto {})",
                settings.tls() ? "https" : "http", settings.host(), http.port(), settings.issuer(), settings.redactedDbUrl(), crypto);
        ExpiredRowPurge purge = new ExpiredRowPurge(sessionStore, refreshTokens, codes, ssoSessionStore, loginFailures,
                settings.expiredRetentionSeconds(), settings.loginWindowSeconds(), metrics);
        return new Authbox(database, http, background(hasher, metrics), keyChecks(keys), purgeEveryMinute(purge),
                tokenWrites, refreshTokens, codes);
    }

    /** The result of start-up work done on another thread, failing with its own exception. */
    private static <T> T joined(CompletableFuture<T> work) {
        try {
            return work.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Housekeeping on one daemon thread, off the start-up path: binding the JVM's metrics, preparing
     * the dummy password hash, trimming the C heap.
     */
    private static ScheduledExecutorService background(PasswordHasher hasher, MeterRegistry metrics) {
        ScheduledExecutorService executor = daemonThread("authbox-background");
        // The JVM's metrics start the platform MBean server (about 0.1 s): after start-up, not during it.
        executor.execute(() -> {
            new JvmMemoryMetrics().bindTo(metrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);
        });
        // A second later, so that it does not compete with the first requests for the CPU.
        executor.schedule(() -> hasher.verifyDummy(""), 1, TimeUnit.SECONDS);
        // Every 5 s: under load each trim finds little to give back, and after a burst the memory goes back soon.
        executor.schedule(() -> NativeHeapTrimmer.load().ifPresent(
                trimmer -> executor.scheduleWithFixedDelay(trimmer::trim, 5, 5, TimeUnit.SECONDS)), 5, TimeUnit.SECONDS);
        return executor;
    }

    /**
     * Noticing signing keys added or retired by other nodes, and retiring rotated-out keys, on a
     * thread of their own: a node must sign with another node's new key within 1 s (DESIGN.md), so
     * the check runs every 0.25 s and never waits behind a password hash or a metrics start. A
     * reload after a rotation opens the new keys (one Argon2id derivation each, tens of ms).
     */
    private static ScheduledExecutorService keyChecks(SigningKeys keys) {
        ScheduledExecutorService executor = daemonThread("authbox-keys");
        // A node that cannot read the keys others wrote (database away, another secret, a key from a
        // newer build) serves a stale key set: say so, once a minute rather than at every check.
        long[] lastWarned = {System.nanoTime() - TimeUnit.MINUTES.toNanos(1)};
        executor.scheduleWithFixedDelay(() -> {
            try {
                keys.reloadIfChanged();
            } catch (RuntimeException e) {
                long now = System.nanoTime();
                if (now - lastWarned[0] >= TimeUnit.MINUTES.toNanos(1)) {
                    lastWarned[0] = now;
                    LOG.warn("cannot reload the signing keys (retrying every 0.25 s): {}", e.toString());
                } else {
                    LOG.debug("signing key check failed: {}", e.toString());
                }
            }
        }, 250, 250, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> {
            try {
                keys.retireUnused(60);
            } catch (RuntimeException e) {
                LOG.debug("signing key retirement failed: {}", e.toString());
            }
        }, 5, 60, TimeUnit.SECONDS);
        return executor;
    }

    /**
     * The expired-row purge, on a thread of its own: after a long stop it may have minutes of work,
     * which must not hold up the signing-key checks. Nodes start at random offsets within the first
     * minute, so that a cluster's purges seldom overlap.
     */
    private static ScheduledExecutorService purgeEveryMinute(ExpiredRowPurge purge) {
        ScheduledExecutorService executor = daemonThread("authbox-purge");
        executor.scheduleWithFixedDelay(() -> {
            try {
                ExpiredRowPurge.Purged purged = purge.run(System.currentTimeMillis() / 1000);
                if (purged.total() > 0) {
                    LOG.debug("deleted expired rows: {}", purged);
                }
            } catch (RuntimeException e) {
                LOG.warn("deleting expired rows failed (next try in a minute): {}", e.toString());
            }
        }, 30 + ThreadLocalRandom.current().nextInt(60), 60, TimeUnit.SECONDS);
        return executor;
    }

    private static ScheduledExecutorService daemonThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        background.shutdownNow();
        keyChecks.shutdown();
        purge.shutdownNow();
        try {
            // A key reload or a delete under way finishes before the database closes under it.
            keyChecks.awaitTermination(5, TimeUnit.SECONDS);
            purge.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
        tokenWrites.close();
        refreshTokens.close();
        codes.close();
        database.close();
    }
}
