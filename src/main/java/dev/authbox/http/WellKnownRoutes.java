package dev.authbox.http;

import dev.authbox.oidc.Discovery;
import dev.authbox.store.Database;
import dev.authbox.token.SigningKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Discovery, JWKS, health and metrics: the unauthenticated GETs. */
public final class WellKnownRoutes {
    private final Discovery discovery;
    private final SigningKeys keys;
    private final Database database;
    private final PrometheusMeterRegistry metrics;

    public WellKnownRoutes(Discovery discovery, SigningKeys keys, Database database, PrometheusMeterRegistry metrics) {
        this.discovery = discovery;
        this.keys = keys;
        this.database = database;
        this.metrics = metrics;
    }

    public void register(RoutesConfig routes) {
        routes.get("/.well-known/openid-configuration", this::discovery);
        routes.get("/.well-known/oauth-authorization-server", this::discovery);
        routes.get("/.well-known/jwks.json", ctx -> ctx.header("Cache-Control", "public, max-age=60")
                .contentType("application/jwk-set+json").result(keys.jwksJson()));
        routes.get("/health", this::health);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    private void discovery(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300").contentType("application/json").result(discovery.json());
    }

    private void health(Context ctx) {
        boolean up = database.healthy();
        ctx.header("Cache-Control", "no-store").status(up ? 200 : 503).contentType("application/json")
                .result(up ? "{\"status\":\"pass\",\"database\":\"up\"}" : "{\"status\":\"fail\",\"database\":\"down\"}");
    }
}
