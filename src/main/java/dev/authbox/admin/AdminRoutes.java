package dev.authbox.admin;

import dev.authbox.http.ApiAuthenticator;
import dev.authbox.http.BasicCredentials;
import dev.authbox.http.Principal;
import dev.authbox.http.ResourceBodies;
import dev.authbox.http.Responses;
import dev.authbox.http.UnauthorizedException;
import dev.authbox.resource.BadRequestException;
import dev.authbox.resource.NotFoundException;
import dev.authbox.resource.ResourceService;
import dev.authbox.resource.SearchParams;
import dev.authbox.resource.WriteResult;
import dev.authbox.store.SessionRecord;
import dev.authbox.token.Sessions;
import dev.authbox.token.SigningKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** The admin REST API: CRUD and search of Client and User, and reading and ending Sessions. */
public final class AdminRoutes {
    private final ApiAuthenticator auth;
    private final List<ResourceService> services;
    private final Sessions sessions;
    private final SigningKeys keys;

    public AdminRoutes(ApiAuthenticator auth, List<ResourceService> services, Sessions sessions, SigningKeys keys) {
        this.auth = auth;
        this.services = services;
        this.sessions = sessions;
        this.keys = keys;
    }

    public void register(RoutesConfig routes) {
        for (ResourceService service : services) {
            String base = "/" + service.type();
            routes.get(base, ctx -> {
                auth.requireAdmin(ctx);
                Responses.resource(ctx, 200, service.search(ctx.queryParamMap()));
            });
            routes.post(base, ctx -> {
                auth.requireAdmin(ctx);
                Responses.resource(ctx, 201, service.create(ResourceBodies.read(ctx)));
            });
            routes.get(base + "/{id}", ctx -> {
                auth.requireAdmin(ctx);
                Responses.resource(ctx, 200, service.read(ctx.pathParam("id")));
            });
            routes.put(base + "/{id}", ctx -> {
                auth.requireAdmin(ctx);
                WriteResult result = service.put(ctx.pathParam("id"), ResourceBodies.read(ctx));
                Responses.resource(ctx, result.created() ? 201 : 200, result.resource());
            });
            routes.delete(base + "/{id}", ctx -> {
                auth.requireAdmin(ctx);
                Responses.resource(ctx, 200, service.delete(ctx.pathParam("id")));
            });
        }
        routes.get("/Session", ctx -> {
            auth.requireAdmin(ctx);
            int count = pageParam(ctx.queryParamMap(), "_count", SearchParams.DEFAULT_COUNT, 0, SearchParams.MAX_COUNT);
            int page = pageParam(ctx.queryParamMap(), "_page", 1, 1, 1_000_000);
            Responses.resource(ctx, 200, SessionResources.bundle(sessions.page(count, (page - 1) * count)));
        });
        routes.get("/Session/{id}", ctx -> {
            auth.requireAdmin(ctx);
            Responses.resource(ctx, 200, SessionResources.present(session(ctx.pathParam("id"))));
        });
        routes.delete("/Session/{id}", ctx -> {
            auth.requireAdmin(ctx);
            SessionRecord s = session(ctx.pathParam("id"));
            sessions.end(s);
            Responses.resource(ctx, 200, SessionResources.present(sessions.find(s.id()).orElse(s)));
        });
        routes.delete("/Session", this::endOwnSession);
        routes.get("/admin/keys", ctx -> {
            auth.requireAdmin(ctx);
            Responses.json(ctx, 200, keyList());
        });
        routes.post("/admin/keys/rotate", ctx -> {
            auth.requireAdmin(ctx);
            keys.rotate();
            Responses.json(ctx, 200, keyList());
        });
    }

    private com.fasterxml.jackson.databind.node.ObjectNode keyList() {
        var o = dev.authbox.resource.Json.JSON.createObjectNode();
        o.put("active", keys.activeKeyId());
        o.put("active_id_token", keys.activeIdTokenKeyId());
        var list = o.putArray("keys");
        keys.currentKeyIds().forEach(list::add);
        return o;
    }

    /** {@code DELETE /Session} with a bearer token: the token's holder ends its own session. */
    private void endOwnSession(Context ctx) {
        if (BasicCredentials.bearer(ctx.header("Authorization")) == null) {
            throw new UnauthorizedException("DELETE /Session ends the session of the bearer token in Authorization", false);
        }
        Principal p = auth.authenticate(ctx);
        SessionRecord s = session(p.sessionId());
        sessions.end(s);
        Responses.resource(ctx, 200, SessionResources.present(sessions.find(s.id()).orElse(s)));
    }

    private SessionRecord session(String id) {
        return sessions.find(id).orElseThrow(() -> new NotFoundException("Session", id));
    }

    private static int pageParam(Map<String, List<String>> params, String name, int fallback, int min, int max) {
        for (String key : params.keySet()) {
            if (!key.equals("_count") && !key.equals("_page")) {
                throw new BadRequestException("unknown search parameter '" + key + "' for Session (known: _count, _page)");
            }
        }
        List<String> values = params.get(name);
        return values == null ? fallback : SearchParams.number(name, SearchParams.single(name, values), min, max);
    }
}
