package io.fleetevents.broadcaster.load;

import io.fleetevents.broadcaster.BroadcasterApplication;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * MCP benchmark. Starts Kafka (KAFKA_BOOTSTRAP_SERVERS, else an embedded broker in this JVM) and one broadcaster in a
 * child JVM (its heap measured alone), opens N MCP sessions over plain HTTP JSON-RPC (one JDK {@code HttpClient}, the
 * bytes any MCP client sends) and keeps N {@code wait_for_events} calls parked, each re-armed with its returned cursor
 * as a superagent loops. Prints:
 * <ul>
 *   <li>wake-up latency p50/p99/max: from the event's append to {@code fleet.events} (the topic uses
 *       {@code LogAppendTime}, so the record timestamp is the broker's clock) to the call's response received; the
 *       baselines, in alternating rounds of the same run: the same number of STOMP subscribers receiving an event, and
 *       a plain {@code KafkaConsumer} (read_committed) receiving it;</li>
 *   <li>heap per waiting call: heap used (after two full GCs) with N waits parked minus with the N sessions idle;</li>
 *   <li>{@code list_events} paging rate through a backlog, against a plain {@code KafkaConsumer} (read_committed)
 *       reading the same records, in alternating rounds.</li>
 * </ul>
 *
 * <p>Arguments: {@code --waits 1000 --rounds 20 --warmup-rounds 5 --backlog 200000 --page-limit 1000
 * --paging-rounds 4 --server-heap 1g --server-args "--server.tomcat.threads.max=…" --server-jvm "…"}.
 */
public final class McpBenchmark {

    static final String TOKEN = "mcp-benchmark-token";
    private static final String ACCEPT = "application/json, text/event-stream";
    private static final Pattern VALUE = Pattern.compile("\"value\":([0-9.E+-]+)");

    private final Map<String, String> args;
    private final HttpClient http;
    private final ExecutorService clientThreads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "mcp-bench-client");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requestIds = new AtomicLong();
    /** event id → append time (ms, broker clock) from the producer's acknowledgement. */
    private final Map<String, Long> appendedAt = new ConcurrentHashMap<>();
    /** event id → receipts (ms) by MCP calls, STOMP subscribers and the plain consumer. */
    private final Map<String, List<Long>> mcpReceipts = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> stompReceipts = new ConcurrentHashMap<>();
    private final Map<String, Long> consumerReceipts = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> pending = new ConcurrentHashMap<>();
    private final AtomicLong callFailures = new AtomicLong();
    private volatile boolean rearm = true;
    private String baseUrl;

    private McpBenchmark(Map<String, String> args) {
        this.args = args;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        new McpBenchmark(args).run();
        System.exit(0);
    }

    private int intArg(String name, int fallback) {
        return Integer.parseInt(args.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        int waits = intArg("waits", 1000);
        int rounds = intArg("rounds", 20);
        int warmupRounds = intArg("warmup-rounds", 5);
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = KafkaTestBroker.uniqueTopic("mcp-bench-events");
        KafkaTestBroker.createTopic(topic, 3, Map.of("message.timestamp.type", "LogAppendTime"));
        String agentsTopic = KafkaTestBroker.uniqueTopic("mcp-bench-agents");
        KafkaTestBroker.createTopic(agentsTopic, 2, Topics.FLEET_AGENTS.configs());
        String capacityTopic = KafkaTestBroker.newTopic("mcp-bench-capacity", 1);
        int port = 19_000 + (int) (Math.random() * 1000);
        baseUrl = "http://localhost:" + port;
        System.out.printf("waits=%d rounds=%d (+%d warm-up) kafka=%s java=%s cores=%d%n", waits, rounds, warmupRounds,
                bootstrap, Runtime.version(), Runtime.getRuntime().availableProcessors());

        Process server = startServer(port, bootstrap, topic, agentsTopic, capacityTopic, waits);
        try (KafkaProducer<String, EventNotification> producer = producer(bootstrap)) {
            awaitUp(port);
            Thread consumer = plainConsumerBaseline(bootstrap, topic);
            long heapIdle = heap(server, port);
            long threadsIdle = (long) metric(port, "jvm.threads.live");

            List<Session> sessions = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < waits; i++) {
                sessions.add(initialize(i));
            }
            System.out.printf("%d MCP sessions initialized in %.1f s%n", waits, (System.nanoTime() - start) / 1e9);
            long heapSessions = heap(server, port);
            long threadsSessions = (long) metric(port, "jvm.threads.live");

            StompSubscribers stomp = new StompSubscribers(port, waits);
            long heapStomp = heap(server, port);
            System.out.printf("%d STOMP subscribers connected (baseline), heap %.1f KB per subscriber%n", waits,
                    (heapStomp - heapSessions) / 1024.0 / waits);

            String now = cursorFromNow(sessions.get(0));
            for (Session s : sessions) {
                s.cursor = now;
                waitLoop(s);
            }
            int parked = awaitParked(port, waits, Duration.ofSeconds(60));
            long heapParked = heap(server, port);
            long threadsParked = (long) metric(port, "jvm.threads.live");
            System.out.printf("server heap after full GC: %.1f MB idle, %.1f MB with %d sessions, %.1f MB with %d STOMP "
                            + "subscribers added, %.1f MB with %d waits parked%n", heapIdle / 1048576.0,
                    heapSessions / 1048576.0, waits, heapSessions / 1048576.0 + (heapStomp - heapSessions) / 1048576.0,
                    waits, heapParked / 1048576.0, parked);
            System.out.printf("heap per session (idle): %.1f KB; heap per waiting call: %.1f KB (parked %d); "
                            + "live threads: %d idle, %d with sessions, %d with waits parked%n",
                    (heapSessions - heapIdle) / 1024.0 / waits, (heapParked - heapStomp) / 1024.0 / Math.max(1, parked),
                    parked, threadsIdle, threadsSessions, threadsParked);
            System.out.printf("server resident set with waits parked: %d MB%n", residentMb(server));

            List<String> mcpEvents = new ArrayList<>();
            List<String> stompEvents = new ArrayList<>();
            Cpu cpu = null;
            long measuredStart = 0;
            for (int round = 0; round < warmupRounds + rounds; round++) {
                boolean measured = round >= warmupRounds;
                if (round == warmupRounds) {
                    cpu = Cpu.start(server);
                    measuredStart = System.nanoTime();
                }
                boolean last = round == warmupRounds + rounds - 1;
                if (last) {
                    rearm = false; // the last event releases every call
                }
                // alternate which goes first, so neither always follows the other's burst
                for (String kind : round % 2 == 0 ? List.of("mcp", "stomp") : List.of("stomp", "mcp")) {
                    String id = publishOne(producer, topic, kind, round, kind.equals("mcp") ? waits : stomp.count);
                    if (measured) {
                        (kind.equals("mcp") ? mcpEvents : stompEvents).add(id);
                    }
                    if (!pending.get(id).await(60, TimeUnit.SECONDS)) {
                        System.out.printf("round %d: %s event %s reached only %d of its receivers within 60 s%n", round,
                                kind, id, (kind.equals("mcp") ? waits : stomp.count) - pending.get(id).getCount());
                    }
                    if (kind.equals("mcp") && !last) {
                        int again = awaitParked(port, waits, Duration.ofSeconds(30));
                        if (again < waits) {
                            System.out.printf("round %d: %d of %d calls parked again%n", round, again, waits);
                        }
                    }
                    Thread.sleep(100);
                }
            }
            double measuredSeconds = (System.nanoTime() - measuredStart) / 1e9;
            if (cpu != null) {
                cpu.print("wake-up rounds", measuredSeconds);
            }
            Thread.sleep(500); // the consumer baseline's last poll
            Stats mcp = latencies(mcpEvents, mcpReceipts);
            Stats stompStats = latencies(stompEvents, stompReceipts);
            List<String> both = new ArrayList<>(mcpEvents);
            both.addAll(stompEvents);
            Stats kafka = latencies(both, id -> consumerReceipts.containsKey(id) ? List.of(consumerReceipts.get(id)) : List.of());
            System.out.println("wake-up latency, event appended to the topic -> received (ms):");
            mcp.print("  MCP wait_for_events, " + waits + " parked calls ");
            stompStats.print("  baseline: STOMP, " + stomp.count + " subscribers  ");
            kafka.print("  baseline: plain KafkaConsumer   ");
            System.out.printf("  ratio MCP / STOMP: p50 %.2f, p99 %.2f; %d call failures%n", (double) mcp.p50 / Math.max(1, stompStats.p50),
                    (double) mcp.p99 / Math.max(1, stompStats.p99), callFailures.get());
            stomp.close();
            awaitParked(port, 0, Duration.ofSeconds(60));

            paging(producer, topic, bootstrap, sessions.get(0), server);
            consumer.interrupt();
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- server

    private Process startServer(int port, String bootstrap, String topic, String agentsTopic, String capacityTopic,
                                int waits) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + args.getOrDefault("server-heap", "1g"), "-XX:+UseG1GC"));
        if (Runtime.version().feature() < 20) {
            command.addAll(LoadTool.DEFERRED_G1_REFINEMENT);
        }
        String jvm = args.getOrDefault("server-jvm", "").trim();
        if (!jvm.isEmpty()) {
            command.addAll(List.of(jvm.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BroadcasterApplication.class.getName(),
                "--server.port=" + port, "--fleet.broadcaster.kafka.bootstrap-servers=" + bootstrap,
                "--fleet.broadcaster.kafka.topic=" + topic, "--fleet.broadcaster.agents.topic=" + agentsTopic,
                "--fleet.broadcaster.capacity.topic=" + capacityTopic,
                "--fleet.broadcaster.auth.tokens[0].name=bench", "--fleet.broadcaster.auth.tokens[0].sha256=" + TokenAuthenticator.sha256(TOKEN),
                "--fleet.broadcaster.auth.tokens[0].agent-patterns[0]=*",
                "--fleet.broadcaster.mcp.max-concurrent-waits-per-token=" + waits,
                "--fleet.broadcaster.mcp.calls-per-second-per-token=1000000",
                "--fleet.broadcaster.limits.connects-per-second=100000", "--fleet.broadcaster.limits.max-connections-per-token=100000",
                "--logging.level.root=WARN"));
        String extra = args.getOrDefault("server-args", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        System.out.println("server: " + String.join(" ", command.subList(1, command.indexOf("-cp"))) + " "
                + String.join(" ", command.subList(command.indexOf("--server.port=" + port), command.size()))
                .replaceAll("sha256=\\w+", "sha256=…").replaceAll("--broadcaster\\.(kafka|agents|capacity)\\.\\S+ ", ""));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static KafkaProducer<String, EventNotification> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.BATCH_SIZE_CONFIG, 262_144),
                Topics.FLEET_EVENTS.keySerde().serializer(), Topics.FLEET_EVENTS.valueSerde().serializer());
    }

    /** One event about agent {@code kind/wsN.main}; returns its id once the broker acknowledged it. */
    private String publishOne(KafkaProducer<String, EventNotification> producer, String topic, String kind, int round,
                              int receivers) throws Exception {
        EventNotification event = Events.of(EventType.values()[round % EventType.values().length],
                kind + "/ws" + round % 7 + ".main").sequence(System.nanoTime()).build();
        pending.put(event.eventId(), new CountDownLatch(receivers));
        RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, event.agent().key(), event)).get();
        appendedAt.put(event.eventId(), metadata.timestamp());
        return event.eventId();
    }

    private static long heap(Process server, int port) throws Exception {
        String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
        for (int i = 0; i < 2; i++) {
            new ProcessBuilder(jcmd, Long.toString(server.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        return (long) metric(port, "jvm.memory.used?tag=area:heap");
    }

    private static double metric(int port, String nameAndTags) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/metrics/" + nameAndTags)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = VALUE.matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Waits until the server's {@code fleet.broadcaster.mcp.waiting} gauge is {@code n}; returns the last value. */
    private static int awaitParked(int port, int n, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        int value = -1;
        while (System.nanoTime() < deadline) {
            value = (int) metric(port, "fleet.broadcaster.mcp.waiting");
            if (value == n) {
                return value;
            }
            Thread.sleep(20);
        }
        return value;
    }

    private static long residentMb(Process server) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    // ---- MCP over plain HTTP JSON-RPC

    private static final class Session {
        final String id;
        volatile String cursor;

        Session(String id) {
            this.id = id;
        }
    }

    private HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/mcp")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").header("Accept", ACCEPT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private Session initialize(int i) throws Exception {
        HttpResponse<String> init = http.send(post("{\"jsonrpc\":\"2.0\",\"id\":" + requestIds.incrementAndGet()
                + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"mcp-benchmark\",\"version\":\"" + i + "\"}}}").build(), HttpResponse.BodyHandlers.ofString());
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() ->
                new IllegalStateException("initialize answered " + init.statusCode() + " without Mcp-Session-Id: " + init.body()));
        HttpResponse<String> ready = http.send(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", id).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() != 202) {
            throw new IllegalStateException("notifications/initialized answered " + ready.statusCode());
        }
        return new Session(id);
    }

    private CompletableFuture<JsonNode> callTool(Session s, String tool, String arguments) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + requestIds.incrementAndGet() + ",\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}";
        return http.sendAsync(post(body).header("Mcp-Session-Id", s.id).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> {
                    String text = r.body();
                    int data = text.indexOf("data:");
                    if (r.statusCode() != 200 || data < 0) {
                        throw new IllegalStateException(tool + " answered " + r.statusCode() + ": " + text);
                    }
                    int end = text.indexOf('\n', data);
                    JsonNode result = FleetJson.mapper().readTree(text.substring(data + 5, end < 0 ? text.length() : end)).path("result");
                    if (result.path("isError").asBoolean(false)) {
                        throw new IllegalStateException(tool + " failed: " + result.path("content"));
                    }
                    return result.path("structuredContent");
                });
    }

    private String cursorFromNow(Session s) {
        return callTool(s, "wait_for_events", "{\"timeout_seconds\":0}").join().path("cursor").asString();
    }

    /** One superagent's loop: wait, record what came, call again with the returned cursor. */
    private void waitLoop(Session s) {
        callTool(s, "wait_for_events", "{\"cursor\":\"" + s.cursor + "\",\"timeout_seconds\":50,\"max_events\":100,"
                + "\"filter\":{\"agent_ids\":[\"mcp/*\"]}}").whenComplete((page, error) -> {
            long received = System.currentTimeMillis();
            if (error != null) {
                callFailures.incrementAndGet();
                System.err.println("wait_for_events failed: " + error.getMessage());
            } else {
                for (JsonNode event : page.path("events")) {
                    String id = event.path("event_id").asString();
                    mcpReceipts.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(received);
                    CountDownLatch latch = pending.get(id);
                    if (latch != null) {
                        latch.countDown();
                    }
                }
                s.cursor = page.path("cursor").asString();
            }
            if (rearm) {
                waitLoop(s);
            }
        });
    }

    // ---- baselines for the wake-up

    /** {@code n} STOMP subscribers to {@code stomp/*} on one JDK HttpClient, recording when each MESSAGE arrives. */
    private final class StompSubscribers implements AutoCloseable {
        final int count;
        private final List<WebSocket> sockets = new ArrayList<>();

        StompSubscribers(int port, int n) throws Exception {
            HttpClient client = HttpClient.newBuilder().executor(clientThreads).build();
            CountDownLatch ready = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                WebSocket ws = client.newWebSocketBuilder().subprotocols("v12.stomp")
                        .buildAsync(URI.create("ws://localhost:" + port + "/api/events/subscribe"), new Frames(ready)).get(30, TimeUnit.SECONDS);
                ws.sendText("CONNECT\naccept-version:1.2\nhost:localhost\npasscode:" + TOKEN + "\nheart-beat:0,0\n\n\0", true).get();
                ws.sendText("SUBSCRIBE\nid:s\ndestination:/topic/events\nagent-ids:stomp/*\nreceipt:r\n\n\0", true).get();
                sockets.add(ws);
            }
            if (!ready.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(ready.getCount() + " STOMP subscribers not confirmed");
            }
            this.count = n;
        }

        @Override
        public void close() {
            sockets.forEach(WebSocket::abort);
        }
    }

    private final class Frames implements WebSocket.Listener {
        private final CountDownLatch ready;
        private final StringBuilder partial = new StringBuilder();

        Frames(CountDownLatch ready) {
            this.ready = ready;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long received = System.currentTimeMillis();
            partial.append(data);
            int end;
            while ((end = partial.indexOf("\0")) >= 0) {
                String frame = partial.substring(0, end).stripLeading();
                partial.delete(0, end + 1);
                if (frame.startsWith("RECEIPT")) {
                    ready.countDown();
                } else if (frame.startsWith("MESSAGE")) {
                    int at = frame.indexOf("\nevent-id:");
                    String id = frame.substring(at + 10, frame.indexOf('\n', at + 10));
                    stompReceipts.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(received);
                    CountDownLatch latch = pending.get(id);
                    if (latch != null) {
                        latch.countDown();
                    }
                } else if (frame.startsWith("ERROR")) {
                    System.err.println("STOMP ERROR: " + frame);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    /** A plain read_committed consumer from the end of every partition: the floor any transport adds to. */
    private Thread plainConsumerBaseline(String bootstrap, String topic) {
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = plainConsumer(bootstrap)) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        long received = System.currentTimeMillis();
                        int at = record.value().indexOf("\"event_id\":\"");
                        consumerReceipts.put(record.value().substring(at + 12, record.value().indexOf('"', at + 12)), received);
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // stopped
            }
        }, "plain-consumer-baseline");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static KafkaConsumer<String, String> plainConsumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500),
                new StringDeserializer(), new StringDeserializer());
    }

    private record Stats(int samples, long p50, long p99, long max) {
        void print(String label) {
            System.out.printf("%s %6d samples: p50 %4d ms, p99 %4d ms, max %4d ms%n", label, samples, p50, p99, max);
        }
    }

    private Stats latencies(List<String> events, Map<String, List<Long>> receipts) {
        return latencies(events, id -> receipts.getOrDefault(id, List.of()));
    }

    private Stats latencies(List<String> events, java.util.function.Function<String, List<Long>> receipts) {
        List<Long> all = new ArrayList<>();
        for (String id : events) {
            long appended = appendedAt.get(id);
            synchronized (receipts.apply(id)) {
                for (long received : receipts.apply(id)) {
                    all.add(received - appended);
                }
            }
        }
        if (all.isEmpty()) {
            return new Stats(0, -1, -1, -1);
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Stats(sorted.length, sorted[(int) Math.ceil(sorted.length * 0.50) - 1],
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1], sorted[sorted.length - 1]);
    }

    // ---- paging

    private void paging(KafkaProducer<String, EventNotification> producer, String topic, String bootstrap, Session session,
                        Process server) throws Exception {
        int backlog = intArg("backlog", 200_000);
        int limit = intArg("page-limit", 1000);
        int rounds = Math.max(2, intArg("paging-rounds", 4));
        String from = cursorFromNow(session);
        Map<TopicPartition, Long> start;
        try (KafkaConsumer<String, String> consumer = plainConsumer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            start = consumer.endOffsets(partitions);
        }
        EventType[] types = EventType.values();
        for (int i = 0; i < backlog; i++) {
            EventNotification event = Events.of(types[i % types.length], "page" + i % 10 + "/ws" + i % 50 + ".main")
                    .sequence(i).build();
            producer.send(new ProducerRecord<>(topic, event.agent().key(), event));
        }
        producer.flush();
        System.out.printf("paging: %d events in the backlog, list_events limit %d, %d rounds alternating with a plain "
                + "KafkaConsumer (read_committed); the first round of each is cold%n", backlog, limit, rounds);
        double[] mcpRates = new double[rounds];
        double[] plainRates = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            for (String kind : round % 2 == 0 ? List.of("mcp", "plain") : List.of("plain", "mcp")) {
                Cpu cpu = Cpu.start(server);
                long t0 = System.nanoTime();
                long read = kind.equals("mcp") ? pageThrough(session, from, limit, backlog) : readPlain(bootstrap, start, backlog);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double rate = read / seconds;
                (kind.equals("mcp") ? mcpRates : plainRates)[round] = rate;
                double serverCpu = cpu.serverSeconds();
                System.out.printf("  round %d %-5s: %d events in %.2f s = %,.0f events/s%s%n", round + 1, kind, read, seconds, rate,
                        kind.equals("mcp") && serverCpu >= 0 ? String.format(", server CPU %.2f s = %.1f µs per event",
                                serverCpu, serverCpu * 1e6 / read) : "");
            }
        }
        double mcp = median(Arrays.copyOfRange(mcpRates, 1, rounds));
        double plain = median(Arrays.copyOfRange(plainRates, 1, rounds));
        System.out.printf("list_events paging, warm median of %d: %,.0f events/s; plain KafkaConsumer %,.0f events/s; "
                + "ratio %.2f%n", rounds - 1, mcp, plain, mcp / plain);
    }

    private long pageThrough(Session session, String from, int limit, int backlog) {
        String cursor = from;
        long read = 0;
        while (read < backlog) {
            JsonNode page = callTool(session, "list_events", "{\"from\":\"" + cursor + "\",\"limit\":" + limit + "}").join();
            int n = page.path("events").size();
            read += n;
            cursor = page.path("cursor").asString();
            if (n == 0 && !page.path("has_more").asBoolean()) {
                System.out.printf("  list_events stopped after %d events: an empty page%n", read);
                break;
            }
        }
        return read;
    }

    private static long readPlain(String bootstrap, Map<TopicPartition, Long> start, int backlog) {
        long read = 0;
        try (KafkaConsumer<String, String> consumer = plainConsumer(bootstrap)) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (read < backlog && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return read;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** CPU seconds of the server process over a phase (from /proc), against the machine's capacity. */
    private record Cpu(Process server, long startTicks) {
        static Cpu start(Process server) {
            return new Cpu(server, ticks(server));
        }

        double serverSeconds() {
            long now = ticks(server);
            return now < 0 || startTicks < 0 ? -1 : (now - startTicks) / 100.0;
        }

        void print(String phase, double seconds) {
            double s = serverSeconds();
            if (s >= 0) {
                System.out.printf("server CPU during %s: %.1f s in %.1f s (%.0f %% of the machine)%n", phase, s, seconds,
                        100 * s / (seconds * Runtime.getRuntime().availableProcessors()));
            }
        }

        private static long ticks(Process server) {
            try {
                String stat = Files.readString(Path.of("/proc/" + server.pid() + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    private static void awaitUp(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        HttpClient client = HttpClient.newHttpClient();
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server did not come up on port " + port);
    }
}
