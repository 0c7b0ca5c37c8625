package dev.authbox.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.oauth.OAuthException;
import dev.authbox.oidc.InvalidTokenException;
import dev.authbox.security.LoginThrottle;
import dev.authbox.resource.BadRequestException;
import dev.authbox.resource.ConflictException;
import dev.authbox.resource.Json;
import dev.authbox.resource.NotFoundException;
import dev.authbox.resource.ValidationException;
import dev.authbox.store.StoreUnavailableException;
import dev.authbox.store.UnstorableTextException;
import io.javalin.Javalin;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Javalin on Jetty, virtual threads where the JDK has them, every error mapped to
 * a spec-shaped answer (OAuth error JSON on /auth endpoints, OperationOutcome elsewhere) and never
 * a stack trace.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final String TIMER_ATTRIBUTE = "authbox.timer";
    private static final long MAX_BODY_BYTES = 1_000_000;

    private final Javalin app;
    private final AtomicInteger inFlight = new AtomicInteger();

    static {
        // Jetty pads contended fields to a cache line, counting references per line from the JVM's
        // UseCompressedOops, which it asks the platform MBean server for: starting that server costs
        // about 0.1 s of start-up. 16 is exact with compressed oops (heaps under 32 GiB) and merely
        // pads more without them.
        if (System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine") == null) {
            System.setProperty("org.eclipse.jetty.util.referencesPerCacheLine", "16");
        }
    }

    /** Where to listen; with a certificate and key (PEM files), HTTPS with HTTP/2 instead of plain HTTP. */
    public record Listen(String host, int port, String tlsCert, String tlsKey) {
        boolean tls() {
            return tlsCert != null;
        }
    }

    public HttpServer(Listen listen, MeterRegistry metrics, List<Consumer<RoutesConfig>> routeSets) {
        SslContextFactory.Server ssl = listen.tls() ? TlsContext.fromPem(listen.tlsCert(), listen.tlsKey()) : null;
        app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = Runtime.version().feature() >= 21;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            // Javalin copies each response into Jetty through a buffer of this size, allocated per
            // response (by default Jetty's 32 KiB output buffer): most answers here are well under
            // 4 KiB, and the 28 KiB saved per request was a third of all allocation under load.
            config.http.responseBufferSize = 4096;
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServer(server -> server.setStopTimeout(5_000));
            config.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setRequestHeaderSize(16 * 1024);
            });
            if (ssl != null) {
                config.jetty.addConnector((server, http) -> httpsConnector(server, http, ssl, listen));
            }
            RoutesConfig routes = config.routes;
            routes.before(ctx -> {
                inFlight.incrementAndGet();
                ctx.attribute(TIMER_ATTRIBUTE, Timer.start(metrics));
                ctx.header("X-Content-Type-Options", "nosniff");
                if (ssl != null) {
                    ctx.header("Strict-Transport-Security", "max-age=31536000");
                }
                if (ctx.contentLength() > MAX_BODY_BYTES) {
                    throw new PayloadTooLargeException();
                }
            });
            routes.after(ctx -> {
                Timer.Sample sample = ctx.attribute(TIMER_ATTRIBUTE);
                if (sample != null) {
                    inFlight.decrementAndGet();
                    var endpoint = ctx.endpoints().lastHttpEndpoint();
                    sample.stop(metrics.timer("authbox_http_requests", "method", ctx.method().name(),
                            "route", endpoint == null ? "unmatched" : endpoint.path, "status", Integer.toString(ctx.statusCode())));
                }
            });
            routeSets.forEach(set -> set.accept(routes));
            registerErrors(routes);
        });
        if (ssl != null) {
            app.start();
        } else {
            app.start(listen.host(), listen.port());
        }
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector c) {
                // Idle keep-alive connections are closed after 30 s, so idle clients cannot pin resources.
                c.setIdleTimeout(30_000);
            }
        }
    }

    public int port() {
        if (app.jettyServer().server().getConnectors()[0] instanceof ServerConnector c) {
            return c.getLocalPort();
        }
        return app.port();
    }

    private static ServerConnector httpsConnector(Server server, HttpConfiguration http, SslContextFactory.Server ssl,
                                                  Listen listen) {
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        HttpConnectionFactory h1 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());
        ServerConnector connector = new ServerConnector(server, tls, alpn, h2, h1);
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        return connector;
    }

    /**
     * Graceful stop (SIGTERM): stop accepting connections, let the requests in flight finish (up to
     * ten seconds), then stop Jetty.
     */
    @Override
    public void close() {
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector c) {
                c.close();
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
    }

    private static void registerErrors(RoutesConfig routes) {
        routes.exception(OAuthException.class, (e, ctx) -> {
            if (e.basicChallenge()) {
                ctx.header("WWW-Authenticate", "Basic realm=\"authbox\"");
            }
            ObjectNode body = Json.JSON.createObjectNode().put("error", e.error()).put("error_description", e.description());
            Responses.noStoreJson(ctx, e.status(), body);
        });
        routes.exception(LoginThrottle.ThrottledException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(e.retryAfter()));
            Responses.noStoreJson(ctx, 429, Json.JSON.createObjectNode().put("error", "invalid_grant")
                    .put("error_description", e.getMessage()));
        });
        routes.exception(InvalidTokenException.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", e.isMissing() ? "Bearer realm=\"authbox\""
                    : "Bearer realm=\"authbox\", error=\"invalid_token\", error_description=\"" + e.getMessage() + "\"");
            Responses.noStoreJson(ctx, 401, Json.JSON.createObjectNode().put("error", "invalid_token")
                    .put("error_description", e.getMessage()));
        });
        routes.exception(UnauthorizedException.class, (e, ctx) -> {
            if (!e.forbidden()) {
                ctx.header("WWW-Authenticate", "Basic realm=\"authbox\", Bearer realm=\"authbox\"");
            }
            Responses.outcome(ctx, e.forbidden() ? 403 : 401, e.forbidden() ? "forbidden" : "login", e.getMessage());
        });
        routes.exception(ValidationException.class, (e, ctx) -> Responses.outcome(ctx, 422, "invalid", e.getMessage(), e.issues()));
        routes.exception(BadRequestException.class, (e, ctx) -> Responses.outcome(ctx, 400, "invalid", e.getMessage()));
        routes.exception(ResourceBodies.UnsupportedMediaTypeException.class,
                (e, ctx) -> Responses.outcome(ctx, 415, "not-supported", e.getMessage()));
        routes.exception(NotFoundException.class, (e, ctx) -> Responses.outcome(ctx, 404, "not-found", e.getMessage()));
        routes.exception(ConflictException.class, (e, ctx) -> Responses.outcome(ctx, 409, "conflict", e.getMessage()));
        routes.exception(PayloadTooLargeException.class,
                (e, ctx) -> failure(ctx, 413, "invalid_request", "too-costly", e.getMessage()));
        routes.exception(UnstorableTextException.class,
                (e, ctx) -> failure(ctx, 400, "invalid_request", "invalid", e.getMessage()));
        routes.exception(StoreUnavailableException.class, (e, ctx) -> {
            LOG.warn("database unavailable: {}", e.getMessage());
            ctx.header("Retry-After", "2");
            failure(ctx, 503, "temporarily_unavailable", "transient", "the database is unavailable; retry shortly");
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            // Javalin's own refusals (a chunked body over the size limit, above all).
            boolean tooLarge = e.getStatus() == 413;
            failure(ctx, e.getStatus(), "invalid_request", tooLarge ? "too-costly" : "invalid",
                    tooLarge ? new PayloadTooLargeException().getMessage() : "the request was refused");
        });
        routes.exception(Exception.class, (e, ctx) -> {
            if (causedByIo(e)) {
                // The client sent a body that cannot be read (early EOF, broken chunking): its fault, not ours.
                failure(ctx, 400, "invalid_request", "invalid", "the request body could not be read");
                return;
            }
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            failure(ctx, 500, "server_error", "exception", "internal error");
        });
        // Unmatched paths and methods: Javalin's plain-text defaults are replaced; errors our handlers wrote stay.
        routes.error(404, ctx -> {
            if (ctx.endpoints().lastHttpEndpoint() == null) {
                Responses.outcome(ctx, 404, "not-found", "no such endpoint: " + ctx.method() + " " + OAuthException.quote(ctx.path()));
            }
        });
        routes.error(405, ctx -> Responses.outcome(ctx, 405, "not-supported", "method " + ctx.method() + " not allowed here"));
    }

    /** The request body is over the size limit. */
    static final class PayloadTooLargeException extends RuntimeException {
        PayloadTooLargeException() {
            super("the request body is larger than " + MAX_BODY_BYTES + " bytes", null, false, false);
        }
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOAuthPath(Context ctx) {
        return ctx.path().startsWith("/auth/") || ctx.path().startsWith("/oauth2/");
    }

    /** An error shaped for the endpoint family it happened on: OAuth error JSON or an OperationOutcome. */
    private static void failure(Context ctx, int status, String oauthError, String outcomeCode, String description) {
        if (isOAuthPath(ctx)) {
            Responses.noStoreJson(ctx, status, Json.JSON.createObjectNode().put("error", oauthError).put("error_description", description));
        } else {
            Responses.outcome(ctx, status, outcomeCode, description);
        }
    }
}
