package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonGeneratorBase;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The one JSON configuration of the wire contract: snake_case names, RFC 3339 UTC timestamps, {@code null}
 * fields omitted on write, unknown fields ignored on read, {@link RawJson} embedded as a nested object.
 */
public final class FleetJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(new SimpleModule("fleet-events-raw-json")
                    .addSerializer(RawJson.class, new RawJsonSerializer())
                    .addDeserializer(RawJson.class, new RawJsonDeserializer()))
            .build();

    private FleetJson() {
    }

    /** The shared, thread-safe mapper. Do not reconfigure it. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    private static final class RawJsonSerializer extends ValueSerializer<RawJson> {
        @Override
        public void serialize(RawJson value, JsonGenerator gen, SerializationContext ctxt) {
            if (gen instanceof JsonGeneratorBase) {
                gen.writeRawValue(value.json());
            } else {
                // Not writing JSON text (valueToTree, convertValue, another format): raw text would become a string,
                // so embed the object as a tree.
                gen.writeTree(MAPPER.readTree(value.json()));
            }
        }
    }

    private static final class RawJsonDeserializer extends ValueDeserializer<RawJson> {
        @Override
        public RawJson deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonNode node = ctxt.readTree(p);
            if (!node.isObject()) {
                return ctxt.reportInputMismatch(RawJson.class, "expected a JSON object, found %s", node.getNodeType());
            }
            return new RawJson(MAPPER.writeValueAsString(node));
        }
    }
}
