package dev.authbox.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/** Merges the sources of settings: environment, then the YAML file, then command-line flags (last wins). */
public final class SettingsLoader {
    private SettingsLoader() {
    }

    public static Settings load(Map<String, String> env, Path configFile, Map<Setting, String> flags) {
        Map<Setting, String> raw = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String value = env.get(s.envName());
            if (value != null) {
                raw.put(s, value);
            }
        }
        if (configFile != null) {
            raw.putAll(readFile(configFile));
        }
        raw.putAll(flags);
        return Settings.from(raw);
    }

    private static Map<Setting, String> readFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must be a YAML mapping of setting: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Setting setting = byFileKey(e.getKey());
            if (setting == null) {
                throw new ConfigException("unknown setting '" + e.getKey() + "' in " + file);
            }
            if (!e.getValue().isValueNode()) {
                throw new ConfigException("setting '" + e.getKey() + "' in " + file + " must be a single value");
            }
            values.put(setting, e.getValue().asText());
        }
        return values;
    }

    private static Setting byFileKey(String key) {
        for (Setting s : Setting.values()) {
            if (s.fileKey().equals(key)) {
                return s;
            }
        }
        return null;
    }
}
