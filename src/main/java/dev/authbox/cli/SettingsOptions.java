package dev.authbox.cli;

import dev.authbox.config.Setting;
import dev.authbox.config.Settings;
import dev.authbox.config.SettingsLoader;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** The settings as command-line options, generated from {@link Setting}, for every command that opens a node's database. */
final class SettingsOptions {
    private SettingsOptions() {
    }

    static void addTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(Path.class)
                .description("YAML file of settings (keys: " + fileKeys() + ").").build());
        for (Setting s : Setting.values()) {
            String def = s.defaultValue() == null ? "" : " Default: " + s.defaultValue() + ".";
            spec.addOption(OptionSpec.builder(s.flag()).paramLabel("VALUE").type(String.class)
                    .description(s.description() + def + " Env: " + s.envName() + ".").build());
        }
    }

    /** Environment, then the --config file, then flags. */
    static Settings load(ParseResult parsed) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            if (parsed.hasMatchedOption(s.flag())) {
                flags.put(s, parsed.matchedOptionValue(s.flag(), (String) null));
            }
        }
        Path configFile = parsed.matchedOptionValue("--config", (Path) null);
        return SettingsLoader.load(System.getenv(), configFile, flags);
    }

    private static String fileKeys() {
        StringBuilder keys = new StringBuilder();
        for (Setting s : Setting.values()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(s.fileKey());
        }
        return keys.toString();
    }
}
