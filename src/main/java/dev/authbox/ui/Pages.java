package dev.authbox.ui;

import java.util.List;
import java.util.Map;

/** The models of the pages; every value is escaped by the templates. */
public final class Pages {
    private Pages() {
    }

    public record Login(String csrf, String returnTo, String loginHint, String clientName, String error) {
    }

    public record Scope(String name, String description) {
    }

    public record Consent(String csrf, String returnTo, String clientName, String userName, List<Scope> scopes) {
    }

    public record Message(String title, String text, boolean error) {
    }

    public record Logout(String csrf, String userName, Map<String, String> params) {
    }

    public record FormPost(String action, Map<String, String> params, String nonce) {
    }
}
