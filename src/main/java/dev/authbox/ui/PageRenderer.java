package dev.authbox.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * Renders the precompiled templates with the headers every page carries: no framing, no caching,
 * no referrer, and a CSP that allows only our stylesheet (and, for form_post, one nonce'd script).
 */
public final class PageRenderer {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    public void render(Context ctx, int status, String template, Object model) {
        render(ctx, status, template, model, null);
    }

    public void render(Context ctx, int status, String template, Object model, String scriptNonce) {
        StringOutput out = new StringOutput();
        engine.render(template, model, out);
        String scripts = scriptNonce == null ? "script-src 'none'" : "script-src 'nonce-" + scriptNonce + "'";
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; " + scripts
                + "; base-uri 'none'; frame-ancestors 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    public void message(Context ctx, int status, String title, String text, boolean error) {
        render(ctx, status, "message.jte", new Pages.Message(title, text, error));
    }
}
