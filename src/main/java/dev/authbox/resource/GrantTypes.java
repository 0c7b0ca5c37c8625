package dev.authbox.resource;

import java.util.Set;

/** The grant names a client may list. {@code code} is Aidbox's name for {@code authorization_code}. */
public final class GrantTypes {
    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String IMPLICIT = "implicit";
    public static final String PASSWORD = "password";
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String BASIC = "basic";

    public static final Set<String> ALL = Set.of(AUTHORIZATION_CODE, IMPLICIT, PASSWORD, CLIENT_CREDENTIALS, REFRESH_TOKEN, BASIC);
    /** Grants with their own {@code auth.<grant>} settings block. */
    public static final Set<String> CONFIGURABLE = Set.of(AUTHORIZATION_CODE, IMPLICIT, PASSWORD, CLIENT_CREDENTIALS);

    private GrantTypes() {
    }

    /** The canonical name of a grant as a client lists it, or null when unknown. */
    public static String canonical(String name) {
        if ("code".equals(name)) {
            return AUTHORIZATION_CODE;
        }
        return ALL.contains(name) ? name : null;
    }
}
