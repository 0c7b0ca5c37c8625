package dev.authbox.ui;

import dev.authbox.http.ClientAddresses;
import dev.authbox.security.RandomTokens;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * The two cookies of the browser flows: the SSO session cookie and the CSRF cookie (double-submit:
 * each form carries the cookie's value, which a cross-site page can neither read nor set).
 * Both are HttpOnly and SameSite=Lax, and Secure when the issuer is https.
 */
public final class BrowserCookies {
    static final String SSO = "authbox_sso";
    static final String CSRF = "authbox_csrf";

    private final boolean alwaysSecure;
    private final ClientAddresses addresses;

    /** {@code alwaysSecure} for an https issuer or TLS served here; else Secure when a trusted proxy says https. */
    public BrowserCookies(boolean alwaysSecure, ClientAddresses addresses) {
        this.alwaysSecure = alwaysSecure;
        this.addresses = addresses;
    }

    public String sso(Context ctx) {
        return ctx.cookie(SSO);
    }

    public void setSso(Context ctx, String value, long maxAgeSeconds) {
        set(ctx, SSO, value, maxAgeSeconds);
    }

    public void clearSso(Context ctx) {
        set(ctx, SSO, "", 0);
    }

    /** The CSRF token for a form: the existing cookie's value, or a new one set now. */
    public String csrfToken(Context ctx) {
        String existing = ctx.cookie(CSRF);
        if (existing != null && existing.length() >= 32 && existing.length() <= 64) {
            return existing;
        }
        String token = RandomTokens.newToken();
        set(ctx, CSRF, token, -1);
        return token;
    }

    /** True when the form's token equals the CSRF cookie. */
    public boolean csrfValid(Context ctx, String formToken) {
        String cookie = ctx.cookie(CSRF);
        return cookie != null && formToken != null
                && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), formToken.getBytes(StandardCharsets.UTF_8));
    }

    private void set(Context ctx, String name, String value, long maxAgeSeconds) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly; SameSite=Lax");
        if (maxAgeSeconds >= 0) {
            c.append("; Max-Age=").append(maxAgeSeconds);
        }
        if (alwaysSecure || addresses.secure(ctx)) {
            c.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", c.toString());
    }
}
