package io.fleetevents.broadcaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.schemas.ResumeToken;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MCP server end to end: the official MCP Java SDK client over HTTP against a broadcaster on a real broker. */
class McpIT {

    private static final Instant NOW = Instant.parse("2026-03-02T09:14:46Z");
    private static String topic;
    private static String agentsTopic;
    private static String capacityTopic;
    private static RunningBroadcaster broadcaster;
    private static EventProducer producer;
    private static KafkaProducer<String, Object> stateProducer;
    private static final AtomicLong sequence = new AtomicLong();
    private static final JsonSchemaValidator SCHEMA_VALIDATOR = new DefaultJsonSchemaValidator();
    private static final Map<String, Map<String, Object>> OUTPUT_SCHEMAS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        topic = KafkaTestBroker.newTopic("mcp-events", 3);
        agentsTopic = KafkaTestBroker.uniqueTopic("mcp-agents");
        KafkaTestBroker.createTopic(agentsTopic, 2, Topics.FLEET_AGENTS.configs());
        capacityTopic = KafkaTestBroker.newTopic("mcp-capacity", 1);
        stateProducer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()),
                Topics.FLEET_AGENTS.keySerde().serializer(), (t, value) -> value == null ? null
                        : io.fleetevents.schemas.FleetJson.mapper().writeValueAsBytes(value));
        agent("ws-a/main", "alice/ws-a.main", "alice", "uuid-a", "connected", "idle");
        agent("ws-b/main", "bob/ws-b.main", "bob", "uuid-b", "disconnected", "working");
        agent("ws-gone/main", "alice/gone.main", "alice", "uuid-g", "connected", null);
        stateProducer.send(new ProducerRecord<>(agentsTopic, "ws-gone/main", null)); // tombstone: gone
        capacity("fleet", 10, 8);
        capacity("org/acme", 4, 1);
        stateProducer.flush();
        broadcaster = startBroadcaster();
        producer = new EventProducer(topic);
    }

    private static RunningBroadcaster startBroadcaster() {
        return RunningBroadcaster.start(topic, Map.of("fleet.broadcaster.agents.topic", agentsTopic,
                "fleet.broadcaster.capacity.topic", capacityTopic, "fleet.broadcaster.mcp.max-concurrent-waits-per-token", "2",
                "fleet.broadcaster.mcp.calls-per-second-per-token", "1000"));
    }

    @AfterAll
    static void stop() {
        producer.close();
        stateProducer.close();
        broadcaster.close();
    }

    private static void agent(String key, String path, String owner, String uuid, String status, String taskState) {
        FleetAgent agent = new FleetAgent(1, "acme", new AgentRef(key, path, key.substring(0, key.indexOf('/')), owner, "coder", "claude-code"),
                uuid, status, "ready", new FleetAgent.Workspace("start", "running", 3),
                taskState == null ? null : new FleetAgent.Task(taskState, "on it", NOW, null),
                new FleetAgent.LastEvent("e-" + key, EventType.AGENT_CONNECTED, NOW), NOW);
        stateProducer.send(new ProducerRecord<>(agentsTopic, key, agent));
    }

    private static void capacity(String scope, int connected, int working) {
        stateProducer.send(new ProducerRecord<>(capacityTopic, scope, new CapacitySample(1, "acme", scope, 1, NOW, connected,
                connected, connected, working, CapacitySample.utilisation(working, connected), 0)));
    }

    private static McpSyncClient client(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(broadcaster.httpUrl())
                .endpoint("/mcp").requestBuilder(request).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(70)).build();
        client.initialize();
        return client;
    }

    private static EventNotification event(String path) {
        return Events.of(EventType.AGENT_FAILURE, path).sequence(sequence.incrementAndGet()).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, args));
        assertThat(result.isError()).as("tool error: %s", result.content()).isNotEqualTo(Boolean.TRUE);
        assertThat(result.content()).isNotEmpty();
        assertConformsToOutputSchema(client, tool, result.structuredContent());
        return (Map<String, Object>) result.structuredContent();
    }

    /** The server does not validate its structured content per call (it is our own output): every test call does. */
    private static void assertConformsToOutputSchema(McpSyncClient client, String tool, Object structuredContent) {
        Map<String, Object> schema = OUTPUT_SCHEMAS.computeIfAbsent(tool, name -> client.listTools().tools().stream()
                .filter(t -> t.name().equals(name)).findFirst().orElseThrow().outputSchema());
        JsonSchemaValidator.ValidationResponse validation = SCHEMA_VALIDATOR.validate(schema, structuredContent);

        assertThat(validation.valid()).as("%s structured content %s against its output schema: %s", tool, structuredContent,
                validation.errorMessage()).isTrue();
    }

    private static String errorOf(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, args));
        assertThat(result.isError()).isTrue();
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @SuppressWarnings("unchecked")
    private static List<String> paths(Map<String, Object> page, String list) {
        List<String> out = new ArrayList<>();
        for (Object item : (List<Object>) page.get(list)) {
            out.add((String) ((Map<String, Object>) ((Map<String, Object>) item).get("agent")).get("path"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> eventIds(Map<String, Object> page) {
        List<String> out = new ArrayList<>();
        for (Object item : (List<Object>) page.get("events")) {
            out.add((String) ((Map<String, Object>) item).get("event_id"));
        }
        return out;
    }

    @Test
    void shouldListEveryToolWithInputAndOutputSchemas() {
        try (McpSyncClient client = client(RunningBroadcaster.ADMIN)) {
            List<McpSchema.Tool> tools = client.listTools().tools();

            assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder(
                    "wait_for_events", "list_events", "list_agents", "get_agent", "get_fleet_capacity");
            assertThat(tools).allSatisfy(tool -> {
                assertThat(tool.outputSchema()).isNotNull();
                assertThat(tool.description()).isNotBlank();
            });
        }
    }

    @Test
    void shouldRefuseRequestsWithoutOrWithAnInvalidToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broadcaster.httpUrl() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(initialize));

        HttpResponse<String> none = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bad = http.send(request.header("Authorization", "Bearer not-a-token").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        assertThatThrownBy(() -> client("not-a-token")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void shouldShowAnOwnerScopedTokenOnlyItsOwnersEventsAgentsAndCapacity() {
        try (McpSyncClient alice = client(RunningBroadcaster.ALICE); McpSyncClient admin = client(RunningBroadcaster.ADMIN)) {
            String cursor = (String) call(alice, "wait_for_events", Map.of("timeout_seconds", 0)).get("cursor");
            EventNotification alices = event("alice/scoped.main");
            EventNotification bobs = event("bob/scoped.main");
            producer.send(bobs);
            producer.send(alices);
            producer.flush();

            Map<String, Object> waited = call(alice, "wait_for_events", Map.of("cursor", cursor, "timeout_seconds", 10,
                    "filter", Map.of("agent_ids", List.of("*"))));
            Map<String, Object> listed = call(alice, "list_events", Map.of("from", cursor, "limit", 100));
            Map<String, Object> listedByAdmin = call(admin, "list_events", Map.of("from", cursor, "limit", 100));
            Map<String, Object> agents = call(alice, "list_agents", Map.of());
            Map<String, Object> allAgents = call(admin, "list_agents", Map.of());
            String bobsAgent = errorOf(alice, "get_agent", Map.of("agent", "bob/ws-b.main"));
            Map<String, Object> capacity = call(alice, "get_fleet_capacity", Map.of());
            Map<String, Object> adminCapacity = call(admin, "get_fleet_capacity", Map.of());

            assertThat(eventIds(waited)).containsExactly(alices.eventId());
            assertThat(eventIds(listed)).containsExactly(alices.eventId());
            assertThat(eventIds(listedByAdmin)).containsExactlyInAnyOrder(alices.eventId(), bobs.eventId());
            assertThat(paths(agents, "agents")).containsExactly("alice/ws-a.main");
            assertThat(paths(allAgents, "agents")).containsExactly("alice/ws-a.main", "bob/ws-b.main");
            assertThat(bobsAgent).contains("argument 'agent'");
            assertThat((List<?>) capacity.get("samples")).isEmpty();
            assertThat((List<?>) adminCapacity.get("samples")).hasSize(2);
        }
    }

    @Test
    void shouldAnswerEveryToolWithStructuredContentMatchingItsDeclaredOutputSchema() {
        try (McpSyncClient admin = client(RunningBroadcaster.ADMIN)) {
            String before = (String) call(admin, "wait_for_events", Map.of("timeout_seconds", 0)).get("cursor");
            producer.send(event("alice/ws-a.main"));
            producer.flush();

            Map<String, Object> waited = call(admin, "wait_for_events", Map.of("cursor", before, "timeout_seconds", 20));
            Map<String, Object> listed = call(admin, "list_events", Map.of("from", before, "limit", 1));
            call(admin, "list_agents", Map.of());
            call(admin, "get_agent", Map.of("agent", "alice/ws-a.main"));
            call(admin, "get_fleet_capacity", Map.of());

            assertThat((List<?>) waited.get("events")).isNotEmpty();
            assertThat((List<?>) listed.get("events")).hasSize(1);
            assertThat(OUTPUT_SCHEMAS).containsOnlyKeys("wait_for_events", "list_events", "list_agents", "get_agent",
                    "get_fleet_capacity");
        }
    }

    @Test
    void shouldAnswerEveryToolAndExplainBadArguments() {
        try (McpSyncClient acme = client(RunningBroadcaster.ACME); McpSyncClient admin = client(RunningBroadcaster.ADMIN)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> agent = (Map<String, Object>) call(admin, "get_agent", Map.of("agent", "uuid-b")).get("agent");
            Map<String, Object> idle = call(admin, "list_agents", Map.of("filter", Map.of("task_state", "idle")));
            Map<String, Object> down = call(admin, "list_agents", Map.of("filter", Map.of("status", List.of("disconnected"), "agent_ids", "bob/*")));
            Map<String, Object> orgCapacity = call(acme, "get_fleet_capacity", Map.of("scope", "org/acme"));
            Map<String, Object> earliest = call(admin, "list_events", Map.of("from", "earliest", "limit", 1));
            Map<String, Object> fromTime = call(admin, "list_events", Map.of("from", "2020-01-01T00:00:00Z", "limit", 1));

            assertThat(agent).containsEntry("status", "disconnected").containsEntry("agent_id", "uuid-b");
            assertThat(paths(idle, "agents")).containsExactly("alice/ws-a.main");
            assertThat(paths(down, "agents")).containsExactly("bob/ws-b.main");
            assertThat((List<?>) orgCapacity.get("samples")).hasSize(1);
            assertThat(earliest).containsKeys("events", "cursor", "has_more", "gap");
            assertThat(fromTime.get("cursor")).isInstanceOf(String.class);
            assertThat(errorOf(admin, "wait_for_events", Map.of("timeout_seconds", 500))).contains("timeout_seconds");
            assertThat(errorOf(admin, "wait_for_events", Map.of("max_events", 0))).contains("max_events");
            assertThat(errorOf(admin, "wait_for_events", Map.of("cursor", "garbage!"))).contains("cursor");
            assertThat(errorOf(admin, "wait_for_events", Map.of("filter", Map.of("event_types", List.of("NOPE")))))
                    .contains("filter");
            assertThat(errorOf(admin, "list_events", Map.of())).contains("from");
            assertThat(errorOf(admin, "get_fleet_capacity", Map.of("scope", "planet"))).contains("scope");
        }
    }

    @Test
    void shouldReadResourcesWithinTheTokensScope() {
        try (McpSyncClient alice = client(RunningBroadcaster.ALICE)) {
            McpSchema.ReadResourceResult mine = alice.readResource(new McpSchema.ReadResourceRequest("fleet://agents/alice/ws-a.main"));

            assertThat(((McpSchema.TextResourceContents) mine.contents().get(0)).text()).contains("\"uuid-a\"");
            assertThatThrownBy(() -> alice.readResource(new McpSchema.ReadResourceRequest("fleet://agents/bob/ws-b.main")))
                    .isInstanceOf(RuntimeException.class);
            assertThat(((McpSchema.TextResourceContents) alice.readResource(new McpSchema.ReadResourceRequest("fleet://capacity"))
                    .contents().get(0)).text()).contains("\"samples\":[]");
        }
    }

    @Test
    void shouldWakeAWaitingCallWhenAMatchingEventArrives() throws Exception {
        try (McpSyncClient client = client(RunningBroadcaster.ADMIN)) {
            String cursor = (String) call(client, "wait_for_events", Map.of("timeout_seconds", 0)).get("cursor");
            Map<String, Object> filter = Map.of("agent_ids", List.of("carol/*"));
            CompletableFuture<Map<String, Object>> waiting = CompletableFuture.supplyAsync(() -> call(client, "wait_for_events",
                    Map.of("cursor", cursor, "timeout_seconds", 45, "filter", filter)));
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcaster.bean(io.micrometer.core.instrument.MeterRegistry.class)
                    .get("fleet.broadcaster.mcp.waiting").gauge().value() >= 1);
            long sent = System.nanoTime();
            EventNotification carols = event("carol/wake.main");
            producer.send(event("dave/other.main"));
            producer.send(carols);
            producer.flush();

            Map<String, Object> woke = waiting.get(20, TimeUnit.SECONDS);

            assertThat(eventIds(woke)).containsExactly(carols.eventId());
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldRefuseMoreConcurrentWaitsPerTokenThanConfiguredNamingTheKey() throws Exception {
        String token = RunningBroadcaster.jwt("waiter", List.of("nobody"), Instant.now().plusSeconds(600));
        try (McpSyncClient client = client(token)) {
            List<CompletableFuture<Map<String, Object>>> waits = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                waits.add(CompletableFuture.supplyAsync(() -> call(client, "wait_for_events", Map.of("timeout_seconds", 5))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcaster.bean(io.micrometer.core.instrument.MeterRegistry.class)
                    .get("fleet.broadcaster.mcp.waiting").gauge().value() >= 2);

            String refused = errorOf(client, "wait_for_events", Map.of("timeout_seconds", 5));

            assertThat(refused).contains("fleet.broadcaster.mcp.max-concurrent-waits-per-token");
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        }
    }

    /**
     * 1,000 events consumed through wait_for_events with random timeouts and page sizes, across a broadcaster restart,
     * are exactly the records of the topic between the first and the last cursor: no gap, no duplicate.
     */
    @Test
    void shouldDeliverExactlyTheTopicBetweenTheFirstAndLastCursorAcrossARestart() throws Exception {
        Random random = new Random(42);
        Map<String, Object> filter = Map.of("agent_ids", List.of("exact/*"));
        McpSyncClient client = client(RunningBroadcaster.ADMIN);
        String first = (String) call(client, "wait_for_events", Map.of("timeout_seconds", 0, "filter", filter)).get("cursor");
        CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 1000; i++) {
                producer.send(event("exact/ws" + (i % 17) + ".main"));
                if (i % 50 == 0) {
                    producer.flush();
                }
            }
            producer.flush();
        });
        List<String> received = new ArrayList<>();
        String cursor = first;
        boolean restarted = false;
        while (received.size() < 1000) {
            if (!restarted && received.size() >= 400) {
                Map<String, Object> agentsBefore = call(client, "list_agents", Map.of());
                client.close();
                broadcaster.close();
                broadcaster = startBroadcaster();
                client = client(RunningBroadcaster.ADMIN);
                restarted = true;
                // the current agents are rebuilt from fleet.agents at start: the same fleet, the tombstoned one still gone
                assertThat(paths(call(client, "list_agents", Map.of()), "agents"))
                        .containsExactlyInAnyOrderElementsOf(paths(agentsBefore, "agents"))
                        .contains("alice/ws-a.main", "bob/ws-b.main").doesNotContain("alice/gone.main");
            }
            Map<String, Object> page = call(client, "wait_for_events", Map.of("cursor", cursor, "filter", filter,
                    "timeout_seconds", random.nextInt(3), "max_events", 1 + random.nextInt(120)));
            received.addAll(eventIds(page));
            cursor = (String) page.get("cursor");
            assertThat(received.size()).isLessThanOrEqualTo(1000);
        }
        produced.get(30, TimeUnit.SECONDS);
        client.close();

        List<String> topicEvents = readBetween(ResumeToken.decode(first), ResumeToken.decode(cursor));
        assertThat(restarted).isTrue();
        assertThat(received).doesNotHaveDuplicates().hasSize(1000);
        assertThat(received).containsExactlyInAnyOrderElementsOf(topicEvents);
    }

    /** The event ids of the exact/* records on the topic between two cursors, read_committed. */
    private static List<String> readBetween(ResumeToken from, ResumeToken to) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, EventNotification> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.FLEET_EVENTS.valueSerde().deserializer())) {
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, from.nextOffset(tp.partition()));
                ends.put(tp, to.nextOffset(tp.partition()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, EventNotification> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ends.get(tp) && record.value().agent().path().startsWith("exact/")) {
                        ids.add(record.value().eventId());
                    }
                }
            }
        }
        return ids;
    }
}
