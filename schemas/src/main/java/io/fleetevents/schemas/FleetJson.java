package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonGeneratorBase;
import tools.jackson.core.json.UTF8JsonGenerator;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.module.blackbird.BlackbirdModule;

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
            .addModule(new BlackbirdModule())
            .addModule(new SimpleModule("fleet-events-raw-json")
                    .addSerializer(RawJson.class, new RawJsonSerializer())
                    .addDeserializer(RawJson.class, new RawJsonDeserializer())
                    .setDeserializerModifier(new FastInstants()))
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
            byte[] utf8 = value.utf8OrNull();
            if (utf8 != null && gen instanceof UTF8JsonGenerator) {
                gen.writeRawValue(new Utf8Text(utf8, value));
            } else if (gen instanceof JsonGeneratorBase) {
                gen.writeRawValue(value.json());
            } else {
                // Not writing JSON text (valueToTree, convertValue, another format): raw text would become a string,
                // so embed the object as a tree.
                gen.writeTree(MAPPER.readTree(value.json()));
            }
        }
    }

    /**
     * Text whose UTF-8 bytes already exist: a UTF-8 generator's {@code writeRaw(SerializableString)} copies them as
     * they are. The char-based methods (other generators) go through the decoded text.
     */
    private static final class Utf8Text implements SerializableString {
        private final byte[] utf8;
        private final RawJson source;

        Utf8Text(byte[] utf8, RawJson source) {
            this.utf8 = utf8;
            this.source = source;
        }

        private SerializableString text() {
            return new SerializedString(source.json());
        }

        @Override
        public String getValue() {
            return source.json();
        }

        @Override
        public int charLength() {
            return source.json().length();
        }

        @Override
        public char[] asQuotedChars() {
            return text().asQuotedChars();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public byte[] asQuotedUTF8() {
            return text().asQuotedUTF8();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return text().appendQuotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return text().appendQuoted(buffer, offset);
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            return text().appendUnquoted(buffer, offset);
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            return text().writeQuotedUTF8(out);
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
            return text().putQuotedUTF8(buffer);
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (utf8.length > buffer.remaining()) {
                return -1;
            }
            buffer.put(utf8);
            return utf8.length;
        }
    }

    /**
     * Wraps Jackson's {@code Instant} deserializer with {@link Rfc3339#utcOrNull}: the UTC form every timestamp of the
     * contract has is read ~20× faster (Jackson's goes through {@code DateTimeFormatter}, which was ~45 % of decoding
     * an {@link EventNotification} in the broadcaster's profile); anything else is left to Jackson's, so what is
     * accepted or rejected, and how, is unchanged.
     */
    private static final class FastInstants extends ValueDeserializerModifier {
        @Override
        public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier description,
                                                       ValueDeserializer<?> deserializer) {
            return description.getBeanClass() == Instant.class ? new FastInstantDeserializer(deserializer) : deserializer;
        }
    }

    private static final class FastInstantDeserializer extends DelegatingDeserializer {
        FastInstantDeserializer(ValueDeserializer<?> jackson) {
            super(jackson);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> newDelegatee) {
            return new FastInstantDeserializer(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                Instant fast = Rfc3339.utcOrNull(p.getString());
                if (fast != null) {
                    return fast;
                }
            }
            return super.deserialize(p, ctxt);
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
