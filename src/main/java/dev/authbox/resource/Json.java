package dev.authbox.resource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The JSON and YAML mappers. Both refuse duplicate keys, deep nesting and huge documents; the YAML
 * one also refuses alias bombs, since resources arrive from the network.
 */
public final class Json {
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(64)
            .maxStringLength(1_000_000)
            .maxNumberLength(100)
            .build();

    public static final ObjectMapper JSON = configure(new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build()));
    public static final ObjectMapper YAML = configure(new ObjectMapper(yamlFactory()));

    private Json() {
    }

    /**
     * Reads a YAML document into a tree. Anchors and aliases are refused: Jackson would hand an
     * alias back as the anchor's bare name, silently changing the data, and they are the stuff of
     * "billion laughs" documents anyway.
     */
    public static JsonNode readYaml(byte[] yaml) throws IOException {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(yaml)) {
            TokenBuffer buffer = new TokenBuffer(parser, YAML.getDeserializationContext());
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (parser.isCurrentAlias() || parser.getObjectId() != null) {
                    throw new JsonParseException(parser, "YAML anchors and aliases are not supported");
                }
                buffer.copyCurrentEvent(parser);
            }
            if (buffer.firstToken() == null) {
                return null;
            }
            try (JsonParser replay = buffer.asParser(YAML)) {
                return YAML.readTree(replay);
            }
        }
    }

    private static YAMLFactory yamlFactory() {
        LoaderOptions loader = new LoaderOptions();
        loader.setMaxAliasesForCollections(20);
        loader.setAllowRecursiveKeys(false);
        loader.setNestingDepthLimit(64);
        loader.setCodePointLimit(1_000_000);
        loader.setAllowDuplicateKeys(false);
        return YAMLFactory.builder()
                .loaderOptions(loader)
                .streamReadConstraints(LIMITS)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build();
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return mapper;
    }
}
