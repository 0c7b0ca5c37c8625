package dev.authbox.oauth;

import java.util.Map;

/** What the authorization endpoint does next. */
public sealed interface AuthorizationOutcome {
    /** Ask the user to sign in, then resume at {@code returnTo}. */
    record Login(String returnTo, String loginHint) implements AuthorizationOutcome {
    }

    /** Ask the user to approve the request, then resume at {@code returnTo}. */
    record Consent(String returnTo) implements AuthorizationOutcome {
    }

    /** Send the response (or error) parameters to the client's redirect URI in the response mode. */
    record Respond(String redirectUri, String responseMode, Map<String, String> params) implements AuthorizationOutcome {
    }
}
