package io.fleetevents.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Loads the JSON Schemas this jar publishes, with format assertions on (so date-time is checked). */
final class PublishedSchemas {

    static final List<String> NAMES = List.of(
            "event-notification", "snapshot-record", "capacity-sample", "subscription-filter", "fleet-agent");

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private PublishedSchemas() {
    }

    static JsonNode document(String name) {
        try (InputStream in = resource(name)) {
            return FleetJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> errors(String name, JsonNode instance) {
        Schema schema;
        try (InputStream in = resource(name)) {
            schema = REGISTRY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> messages = new ArrayList<>();
        for (Error error : schema.validate(instance)) {
            messages.add(error.toString());
        }
        return messages;
    }

    static List<JsonNode> examples(String name) {
        List<JsonNode> examples = new ArrayList<>();
        document(name).get("examples").forEach(examples::add);
        return examples;
    }

    private static InputStream resource(String name) {
        InputStream in = PublishedSchemas.class.getResourceAsStream("/schemas/" + name + ".schema.json");
        if (in == null) {
            throw new IllegalStateException("schema not on classpath: /schemas/" + name + ".schema.json");
        }
        return in;
    }
}
