package dev.authbox.cli;

import dev.authbox.config.Settings;
import dev.authbox.security.CryptoProviders;
import dev.authbox.store.Database;
import dev.authbox.store.SigningKeyStore;
import dev.authbox.token.KeyEncryptor;
import dev.authbox.token.SigningKeys;
import dev.authbox.token.SigningTurns;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code authbox keys rotate}: generates a new signing key in the shared database. Every running
 * node signs with it within a second; the old key keeps verifying until its tokens have expired.
 */
final class KeysCommand implements Callable<Integer> {
    private CommandSpec spec;

    private KeysCommand() {
    }

    static CommandSpec commandSpec() {
        CommandSpec keys = CommandSpec.create().name("keys");
        keys.usageMessage().description("Manage signing keys.");
        keys.mixinStandardHelpOptions(true);
        KeysCommand rotate = new KeysCommand();
        CommandSpec rotateSpec = CommandSpec.wrapWithoutInspection(rotate).name("rotate").mixinStandardHelpOptions(true);
        rotateSpec.usageMessage().description("Generate a new signing key; running nodes switch to it within a second,"
                + " and the old key stays in the JWKS until the tokens it signed have expired.");
        SettingsOptions.addTo(rotateSpec);
        rotate.spec = rotateSpec;
        keys.addSubcommand("rotate", rotateSpec);
        return keys;
    }

    @Override
    public Integer call() {
        return Failures.exitCode(() -> {
            Settings settings = SettingsOptions.load(spec.commandLine().getParseResult());
            CryptoProviders.install();
            try (Database db = Database.open(settings)) {
                SigningKeys keys = new SigningKeys(new SigningKeyStore(db.jdbc()), new KeyEncryptor(settings.keySecret()),
                        settings.signingAlg(), new SigningTurns(0)); // rotation signs no tokens
                String made = keys.rotate().entrySet().stream().map(e -> e.getValue() + " (" + e.getKey() + ")")
                        .collect(Collectors.joining(", "));
                System.out.println("new signing keys " + made + "; current keys: " + String.join(", ", keys.currentKeyIds()));
            }
            return 0;
        });
    }
}
