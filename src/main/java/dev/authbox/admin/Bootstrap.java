package dev.authbox.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authbox.config.Settings;
import dev.authbox.resource.Json;
import dev.authbox.resource.NotFoundException;
import dev.authbox.resource.ResourceService;
import dev.authbox.security.RandomTokens;
import java.io.PrintStream;

/**
 * Creates what a node needs at start: the admin client (from configuration, or generated once),
 * and on request a demo client and user. Generated secrets are printed once, to the console only.
 */
public final class Bootstrap {
    private final ResourceService clients;
    private final ResourceService users;
    private final PrintStream console;

    public Bootstrap(ResourceService clients, ResourceService users, PrintStream console) {
        this.clients = clients;
        this.users = users;
        this.console = console;
    }

    public void run(Settings settings) {
        ensureAdmin(settings);
        if (settings.demo()) {
            ensureDemo(settings);
        }
    }

    private void ensureAdmin(Settings settings) {
        String id = settings.adminId();
        boolean exists = exists(clients, id);
        if (exists && settings.adminSecret() == null) {
            console.println("Admin client: " + id + " (secret as set or printed when it was created)");
            return;
        }
        String secret = settings.adminSecret() != null ? settings.adminSecret() : RandomTokens.newToken();
        ObjectNode admin = Json.JSON.createObjectNode();
        admin.put("secret", secret);
        admin.putArray("grant_types").add("basic").add("client_credentials");
        admin.putObject("auth").putObject("client_credentials").put("token_format", "opaque").put("access_token_expiration", 3600);
        admin.put("first_party", true);
        clients.put(id, admin);
        if (settings.adminSecret() == null) {
            console.println("Admin client created: id=" + id + " secret=" + secret + "   (printed once; store it now)");
        } else {
            console.println("Admin client: " + id + " (secret from configuration)");
        }
    }

    private void ensureDemo(Settings settings) {
        StringBuilder out = new StringBuilder();
        if (!exists(clients, "demo-api")) {
            String secret = RandomTokens.newToken();
            ObjectNode c = Json.JSON.createObjectNode();
            c.put("secret", secret);
            c.putArray("grant_types").add("client_credentials");
            c.putObject("auth").putObject("client_credentials").put("token_format", "jwt").put("access_token_expiration", 3600);
            clients.put("demo-api", c);
            out.append("Demo API client: id=demo-api secret=").append(secret).append('\n');
            out.append("  try: curl -u demo-api:").append(secret).append(" -d grant_type=client_credentials ")
                    .append(settings.issuer()).append("/auth/token\n");
        }
        if (!exists(users, "demo")) {
            String password = RandomTokens.newToken().substring(0, 16);
            ObjectNode u = Json.JSON.createObjectNode();
            u.put("email", "demo@example.com");
            u.put("password", password);
            u.putObject("data").put("name", "Demo User").put("given_name", "Demo").put("family_name", "User");
            users.put("demo", u);
            out.append("Demo user: id=demo email=demo@example.com password=").append(password).append('\n');
        }
        if (out.length() > 0) {
            console.print(out.append("(demo secrets are printed once; set AUTHBOX_DEMO=false to skip the demo data)\n"));
        }
    }

    private static boolean exists(ResourceService service, String id) {
        try {
            service.read(id);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
