package dev.authbox.oauth;

import dev.authbox.resource.Client;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Parsing of the {@code scope} parameter and its check against what a client may ask for. */
public final class Scopes {
    private static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");

    private Scopes() {
    }

    /** The requested scopes, or invalid_scope when malformed or not allowed for the client. */
    public static Set<String> requested(String scope, Client client) {
        Set<String> scopes = parse(scope);
        if (!client.scopes().isEmpty()) {
            for (String s : scopes) {
                if (!client.scopes().contains(s)) {
                    throw OAuthException.invalidScope("scope not allowed for this client: " + s);
                }
            }
        }
        return scopes;
    }

    static Set<String> parse(String scope) {
        Set<String> scopes = new LinkedHashSet<>();
        if (scope == null || scope.isEmpty()) {
            return scopes;
        }
        if (scope.length() > 2000) {
            throw OAuthException.invalidScope("scope is too long");
        }
        for (String s : scope.split(" ", -1)) {
            if (!TOKEN.matcher(s).matches()) {
                throw OAuthException.invalidScope("malformed scope (scope tokens separated by single spaces)");
            }
            scopes.add(s);
        }
        return scopes;
    }
}
