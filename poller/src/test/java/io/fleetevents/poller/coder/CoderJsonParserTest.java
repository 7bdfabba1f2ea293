package io.fleetevents.poller.coder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class CoderJsonParserTest {

    private final CoderJsonParser parser = CoderJsonParser.create();

    static String resource(String name) throws IOException {
        try (InputStream in = CoderJsonParserTest.class.getResourceAsStream("/coder/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldParseTheCoderApiExampleWorkspaceListWithItsCount() throws IOException {
        List<ObjectNode> workspaces = new ArrayList<>();

        int count = parser.workspaces(stream(resource("workspaces-example.json")), workspaces::add);

        assertThat(count).isEqualTo(1);
        assertThat(workspaces).hasSize(1);
        ObjectNode ws = workspaces.get(0);
        assertThat(ws.path("owner_name").asString()).isEqualTo("alice");
        assertThat(ws.path("task_id").asString()).isEqualTo("d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a");
        assertThat(ws.path("latest_build").path("resources").get(0).path("agents").get(0).path("parent_id").isNull())
                .isTrue();
    }

    @Test
    void shouldKeepUnknownFieldsAndSkipUnknownTopLevelFields() {
        String json = "{\"future_top\": {\"a\": [1, 2]}, \"workspaces\": [{\"id\": \"w1\", \"brand_new\": {\"x\": true},"
                + " \"task_id\": null}], \"count\": 1, \"next\": null}";
        List<ObjectNode> workspaces = new ArrayList<>();

        parser.workspaces(stream(json), workspaces::add);

        assertThat(workspaces.get(0).path("brand_new").path("x").asBoolean()).isTrue();
        assertThat(workspaces.get(0).has("task_id")).isTrue();
        assertThat(workspaces.get(0).get("task_id").isNull()).isTrue();
    }

    @Test
    void shouldReportAMissingCountAsMinusOneAndAcceptANullList() {
        int count = parser.workspaces(stream("{\"workspaces\": null}"), ws -> { });

        assertThat(count).isEqualTo(-1);
    }

    @Test
    void shouldRejectGarbageTruncationAndAMissingListAsProtocolErrors() {
        assertThatThrownBy(() -> parser.workspaces(stream("<html>502 Bad Gateway</html>"), ws -> { }))
                .isInstanceOf(CoderProtocolException.class).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> parser.workspaces(stream("{\"workspaces\": [{\"id\": \"w1\"}, {\"id\""), ws -> { }))
                .isInstanceOf(CoderProtocolException.class);
        assertThatThrownBy(() -> parser.workspaces(stream("{\"count\": 3}"), ws -> { }))
                .isInstanceOf(CoderProtocolException.class).hasMessageContaining("no 'workspaces' array");
        assertThatThrownBy(() -> parser.workspaces(stream("{\"workspaces\": [42]}"), ws -> { }))
                .isInstanceOf(CoderProtocolException.class).hasMessageContaining("not an object");
    }

    @Test
    void shouldHandEachWorkspaceOnBeforeReadingTheNext() {
        List<String> order = new ArrayList<>();
        String json = "{\"workspaces\": [{\"id\": \"a\"}, {\"id\": \"b\"}, ";

        assertThatThrownBy(() -> parser.workspaces(stream(json), ws -> order.add(ws.path("id").asString())))
                .isInstanceOf(CoderProtocolException.class);

        assertThat(order).containsExactly("a", "b");
    }

    @Test
    void shouldParseTasksKeepingOldAndNewStateSpellingsVerbatim() throws IOException {
        String example = resource("task-example.json");
        String old = example.replace("\"state\": \"complete\"", "\"state\": \"completed\"");
        String failed = example.replace("\"state\": \"complete\"", "\"state\": \"failed\"")
                .replace("\"current_state\"", "\"future_field\": 1, \"current_state\"");
        String json = "{\"tasks\": [" + example + "," + old + "," + failed + "], \"count\": 3}";

        List<ObjectNode> tasks = parser.tasks(stream(json));

        assertThat(tasks).extracting(t -> t.path("current_state").path("state").asString())
                .containsExactly("complete", "completed", "failed");
        assertThat(tasks.get(2).path("future_field").asInt()).isEqualTo(1);
        assertThat(tasks.get(0).path("workspace_id").asString()).isEqualTo("3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a1b23");
    }
}
