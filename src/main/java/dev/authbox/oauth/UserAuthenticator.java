package dev.authbox.oauth;

import dev.authbox.resource.User;
import dev.authbox.resource.UserDirectory;
import dev.authbox.security.InputText;
import dev.authbox.security.LoginThrottle;
import dev.authbox.security.PasswordHasher;
import java.util.Optional;

/**
 * Checks a user's login (id or email) and password, for the password grant and the login page.
 * Unknown users, wrong passwords and inactive users get the same answer after the same work (an
 * unknown user is checked against a dummy hash), and repeated failures are throttled.
 */
public final class UserAuthenticator {
    static final String BAD_CREDENTIALS = "invalid username or password";

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;

    public UserAuthenticator(UserDirectory users, PasswordHasher hasher, LoginThrottle throttle) {
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
    }

    /** The active user with this login and password; invalid_grant otherwise (ThrottledException when blocked). */
    public User authenticate(String login, String password, String address) {
        if (login.length() > 320 || !InputText.clean(login)) {
            hasher.verifyDummy(password);
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        Optional<User> user = users.findByLogin(login);
        // Count failures per account, so its id and its email do not each get a full allowance.
        String key = user.map(User::id).orElse(login);
        LoginThrottle.Attempt attempt = throttle.check(key, address);
        boolean ok;
        if (user.isEmpty() || user.get().passwordHash() == null) {
            hasher.verifyDummy(password);
            ok = false;
        } else {
            ok = hasher.verify(password, user.get().passwordHash());
        }
        if (!ok || user.get().inactive()) {
            attempt.failed();
            throw OAuthException.invalidGrant(BAD_CREDENTIALS);
        }
        attempt.succeeded();
        return user.get();
    }
}
