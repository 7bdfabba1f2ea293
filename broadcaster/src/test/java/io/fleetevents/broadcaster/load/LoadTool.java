package io.fleetevents.broadcaster.load;

import io.fleetevents.broadcaster.BroadcasterApplication;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Load tool. Starts Kafka (KAFKA_BOOTSTRAP_SERVERS, else an embedded broker in this JVM), a broadcaster in a child
 * JVM (so its heap is measured alone) — or, with {@code --target baseline}, Spring's simple broker publishing
 * in-process — then N STOMP subscribers over Netty's WebSocket client with mixed filters, and a producer at R
 * events/s. Prints connect time, heap per idle connection, deliveries/s, latency p50/p99/max (produce → receipt)
 * and the replay rate of one resuming subscriber.
 *
 * <p>Arguments: {@code --subscribers 10000 --rate 20 --seconds 30 --replay-events 200000 --server-heap 2g
 * --target broadcaster|baseline --clients 4 --server-jvm "-XX:StartFlightRecording=..."}; {@code --clients}: JDK
 * HTTP clients the subscribers are spread over; {@code --server-jvm}: extra JVM options of the server, space-separated,
 * e.g. for profiling (unless they pick a collector, the server runs G1 with {@link #DEFERRED_G1_REFINEMENT} on Java 17–19;
 * {@code --g1-refinement concurrent} keeps G1's default); {@code --client netty} (default: the lightest of the three,
 * it leaves the server the most of the shared machine), {@code --client jdk} or {@code --client tomcat}: the WebSocket
 * client the subscribers run on;
 * {@code --warmup-seconds 30}: deliveries before the measured ones (JIT and GC settle);
 * {@code --connect-rounds N}: connect and close everyone N - 1 times before the measured round
 * (a warm server); {@code --replay-types AGENT_FAILURE,...}: the replaying subscriber also filters by event type.
 * The replay runs {@code --replay-rounds} times (default 3) on the same events: first after the server's start, with
 * the JIT still cold, then warm; the warm median is the figure.
 */
public final class LoadTool {

    static final String TOKEN = "load-tool-token";
    private static final String CONNECT_FRAME = "CONNECT\naccept-version:1.2\nhost:localhost\npasscode:" + TOKEN
            + "\nheart-beat:0,0\n\n\0";

    private final Map<String, String> args;
    /** {@code --client}: the WebSocket client the subscribers (and the replaying one) run on. */
    private final String clientKind;
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLongArray latencyMillis = new AtomicLongArray(60_001);
    private final AtomicLong maxLatency = new AtomicLong();
    private volatile boolean measuring;

    private LoadTool(Map<String, String> args) {
        this.args = args;
        this.clientKind = clientArg(args); // a bad --client fails here, before anything starts
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        new LoadTool(args).run();
        System.exit(0);
    }

    private int intArg(String name, int fallback) {
        return Integer.parseInt(args.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        int subscribers = intArg("subscribers", 10_000);
        int rate = intArg("rate", 20);
        int seconds = intArg("seconds", 30);
        int replayEvents = intArg("replay-events", 200_000);
        boolean baseline = args.getOrDefault("target", "broadcaster").equals("baseline");
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = KafkaTestBroker.newTopic("load-events", 6);
        int port = 18_000 + (int) (Math.random() * 1000);
        System.out.printf("target=%s subscribers=%d rate=%d/s seconds=%d client=%s kafka=%s%n",
                baseline ? "spring-simple-broker-baseline" : "broadcaster", subscribers, rate, seconds, clientKind,
                bootstrap);

        Process server = startServer(baseline, port, bootstrap, topic);
        try (KafkaProducer<String, EventNotification> producer = producer(bootstrap)) {
            awaitUp(port);
            long heapBefore = heapUsed(server, port);
            // several JDK clients: each has one selector thread, which alone paces handshakes on one client
            HttpClient[] clients = new HttpClient[intArg("clients", 4)];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = HttpClient.newBuilder().build();
            }
            HttpClient client = clients[0];
            List<Runnable> sockets = new ArrayList<>(subscribers); // each closes one subscriber's connection
            // --connect-rounds N > 1: connect everyone, close, and again: the first round meets a server whose JIT is
            // cold (as after a restart, when every client reconnects at once), later rounds a warm one
            for (int round = 1; round < intArg("connect-rounds", 1); round++) {
                long roundStart = System.nanoTime();
                Cpu roundCpu = Cpu.start(server);
                connectAll(clients, port, subscribers, baseline, sockets);
                double roundSeconds = (System.nanoTime() - roundStart) / 1e9;
                System.out.printf("connect round %d: %d subscribers in %.1f s (%.0f/s)%n", round, sockets.size(), roundSeconds,
                        sockets.size() / roundSeconds);
                roundCpu.print("connect round " + round, roundSeconds);
                sockets.forEach(Runnable::run);
                sockets.clear();
                awaitNoConnections(port);
            }
            long connectStart = System.nanoTime();
            Cpu connectCpu = Cpu.start(server);
            connectAll(clients, port, subscribers, baseline, sockets);
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            System.out.printf("connected %d subscribers in %.1f s (%.0f/s), %d refused with ERROR%n", sockets.size(), connectSeconds,
                    sockets.size() / connectSeconds, errors.get());
            connectCpu.print("connect", connectSeconds);
            long heapAfter = heapUsed(server, port);
            if (heapBefore > 0 && heapAfter > 0) {
                System.out.printf("server heap: %d MB before, %d MB with %d idle connections: %.1f KB per connection%n",
                        heapBefore >> 20, heapAfter >> 20, sockets.size(), (heapAfter - heapBefore) / 1024.0 / sockets.size());
            }
            System.out.printf("server resident set: %d MB%n", residentMb(server));

            // warm-up, then measure. 30 s by default: the connect storm leaves the server's C2 compiler a backlog of
            // hot handshake and delivery methods that kept it at a third of a core for 30-45 s after the connects
            // (measured per thread from /proc), stealing CPU from a measurement meant to be of the sustained rate
            int warmup = intArg("warmup-seconds", 30);
            System.out.printf("warm-up: %d s of deliveries before measuring%n", warmup);
            publish(producer, topic, rate, warmup, baseline, port);
            measuring = true;
            deliveries.set(0);
            long start = System.nanoTime();
            Cpu deliveryCpu = Cpu.start(server);
            publish(producer, topic, rate, seconds, baseline, port);
            double elapsed = (System.nanoTime() - start) / 1e9;
            deliveryCpu.print("deliveries", elapsed);
            measuring = false;
            System.out.printf("deliveries: %d in %.1f s = %.0f deliveries/s%n", deliveries.get(), elapsed, deliveries.get() / elapsed);
            printLatency();
            System.out.printf("server resident set under load: %d MB%n", residentMb(server));
            sockets.forEach(Runnable::run);
            if (!baseline && replayEvents > 0) {
                replay(client, producer, topic, port, replayEvents, server);
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, EventNotification> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 262_144),
                Topics.FLEET_EVENTS.keySerde().serializer(), Topics.FLEET_EVENTS.valueSerde().serializer());
    }

    /**
     * The broadcaster's recommended G1 settings on Java 17–19 (docs/operating.md): dirty cards are refined in the
     * young pause, once per card, instead of concurrently each time a connection's card is dirtied again (~8 % of
     * the server's CPU at 50,000 deliveries/s). Java 20 reworked refinement and dropped these flags.
     */
    static final List<String> DEFERRED_G1_REFINEMENT = List.of("-XX:-G1UseAdaptiveConcRefinement",
            "-XX:G1ConcRefinementGreenZone=2048", "-XX:G1ConcRefinementYellowZone=4096", "-XX:G1ConcRefinementRedZone=8192");

    private Process startServer(boolean baseline, int port, String bootstrap, String topic) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + args.getOrDefault("server-heap", "2g")));
        String extra = args.getOrDefault("server-jvm", "").trim();
        if (!extra.matches(".*-XX:\\+Use\\w*GC.*")) {
            command.add("-XX:+UseG1GC"); // unless --server-jvm picks a collector
            String refinement = args.getOrDefault("g1-refinement", "deferred");
            if (!refinement.equals("deferred") && !refinement.equals("concurrent")) {
                throw new IllegalArgumentException("--g1-refinement must be deferred or concurrent, not " + refinement);
            }
            if (refinement.equals("deferred") && Runtime.version().feature() < 20) {
                command.addAll(DEFERRED_G1_REFINEMENT);
            }
        }
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        if (baseline) {
            command.add(SimpleBrokerBaseline.class.getName());
            command.add("--server.port=" + port);
        } else {
            command.addAll(List.of(BroadcasterApplication.class.getName(), "--server.port=" + port,
                    "--fleet.broadcaster.kafka.bootstrap-servers=" + bootstrap, "--fleet.broadcaster.kafka.topic=" + topic,
                    "--fleet.broadcaster.auth.tokens[0].name=load", "--fleet.broadcaster.auth.tokens[0].sha256=" + TokenAuthenticator.sha256(TOKEN),
                    "--fleet.broadcaster.auth.tokens[0].agent-patterns[0]=*",
                    "--fleet.broadcaster.limits.connects-per-second=100000", "--fleet.broadcaster.limits.max-connections-per-token=100000",
                    "--logging.level.root=WARN"));
        }
        System.out.println("server JVM options: " + String.join(" ", command.subList(1, command.indexOf("-cp"))));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static void awaitUp(int port) {
        try {
            awaitBody(port, "/actuator/health", HttpResponse::statusCode, status -> status == 200, Duration.ofSeconds(120));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("server did not come up on port " + port);
        }
    }

    /** Waits (at most 60 s) until the server reports no open STOMP connection (the previous round's are closed). */
    private static void awaitNoConnections(int port) {
        try {
            awaitBody(port, "/actuator/metrics/fleet.broadcaster.connections", HttpResponse::body,
                    body -> body.contains("\"value\":0.0"), Duration.ofSeconds(60));
        } catch (ConditionTimeoutException e) {
            System.out.println("warning: connections still open 60 s after the round closed them");
        }
    }

    /** Waits (at most 60 s) until the server's health reports a live-feed lag of 0. */
    private static void awaitLiveCaughtUp(int port) {
        try {
            awaitBody(port, "/actuator/health", HttpResponse::body,
                    body -> body.contains("\"lag\":0,") || body.contains("\"lag\":0}"), Duration.ofSeconds(60));
        } catch (ConditionTimeoutException e) {
            System.out.println("warning: the live feed had not caught up after 60 s; replay measured anyway");
        }
    }

    /** Polls {@code GET path} every 250 ms (I/O errors count as not yet) until {@code ready} holds for the response. */
    private static <T> void awaitBody(int port, String path, java.util.function.Function<HttpResponse<String>, T> part,
                                      java.util.function.Predicate<T> ready, Duration atMost) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build();
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> ready.test(part.apply(http.send(request, HttpResponse.BodyHandlers.ofString()))));
    }

    private static long heapUsed(Process server, int port) throws Exception {
        String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
        for (int i = 0; i < 2; i++) {
            new ProcessBuilder(jcmd, Long.toString(server.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/metrics/jvm.memory.used?tag=area:heap")).build(),
                HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"value\":([0-9.E+]+)").matcher(r.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    /**
     * CPU seconds of the server process (from /proc) and of this JVM (load-tool clients, producer, and the Kafka broker
     * when it is embedded here) over a phase, against the machine's capacity, to see who used the cores.
     */
    private record Cpu(Process server, long startTicks, long startNanos) {
        static Cpu start(Process server) {
            return new Cpu(server, serverTicks(server), ownNanos());
        }

        /** Server CPU seconds since the start, or -1 when /proc cannot tell. */
        double serverSeconds() {
            long ticks = serverTicks(server);
            return ticks < 0 || startTicks < 0 ? -1 : (ticks - startTicks) / 100.0; // USER_HZ
        }

        void print(String phase, double seconds) {
            long ticks = serverTicks(server);
            if (ticks < 0 || startTicks < 0) {
                return;
            }
            double serverSeconds = (ticks - startTicks) / 100.0; // USER_HZ
            double ownSeconds = (ownNanos() - startNanos) / 1e9;
            double capacity = seconds * Runtime.getRuntime().availableProcessors();
            System.out.printf("cpu during %s: server %.1f s (%.0f %% of the machine), load-tool JVM %.1f s (%.0f %%)%n", phase,
                    serverSeconds, 100 * serverSeconds / capacity, ownSeconds, 100 * ownSeconds / capacity);
        }

        private static long ownNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        private static long serverTicks(Process server) {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + server.pid() + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    private static long residentMb(Process server) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + server.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    private static String subscribeFrame(int i, boolean baseline) {
        // Spring's simple broker sends no RECEIPT for SUBSCRIBE: the baseline counts CONNECTED as ready
        StringBuilder b = new StringBuilder("SUBSCRIBE\nid:s").append(i).append("\ndestination:/topic/events\n");
        if (!baseline) {
            b.append("receipt:r").append(i).append('\n');
        }
        if (!baseline) {
            switch (i % 4) {
                case 0 -> { }
                case 1 -> b.append("event-types:AGENT_FAILURE,TASK_FAILURE\n");
                case 2 -> b.append("agent-ids:owner").append(i % 10).append("/*\n");
                default -> b.append("severity-min:WARNING\nagent-ids:owner").append(i % 10).append("/ws1.main,owner")
                        .append((i + 1) % 10).append("/*.main\n");
            }
        }
        return b.append('\n').append('\0').toString();
    }

    /**
     * {@code --client}: netty (default; with the JDK client the tool took 53 % of the machine at 50,000
     * deliveries/s and its own queueing set the p99), jdk or tomcat.
     */
    private static String clientArg(Map<String, String> args) {
        String client = args.getOrDefault("client", "netty");
        if (!List.of("netty", "jdk", "tomcat").contains(client)) {
            throw new IllegalArgumentException("--client must be netty, jdk or tomcat, not " + client);
        }
        return client;
    }

    private void connectAll(HttpClient[] clients, int port, int n, boolean baseline, List<Runnable> sockets) throws Exception {
        String path = baseline ? "/baseline" : "/api/events/subscribe";
        if ("tomcat".equals(clientKind)) {
            connectAllTomcat(port, path, n, baseline, sockets);
            return;
        }
        if ("netty".equals(clientKind)) {
            connectAllNetty(port, path, n, baseline, sockets);
            return;
        }
        Semaphore inFlight = new Semaphore(500);
        CountDownLatch ready = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                System.out.printf("WARNING: connection %d onwards hangs (500 attempts pending for 60 s); continuing with %d%n",
                        i + 1 - 500, i - 500);
                for (long k = ready.getCount(); k > 0; k--) {
                    ready.countDown();
                }
                break;
            }
            int index = i;
            Listener listener = new Listener(baseline, () -> {
                ready.countDown();
                inFlight.release();
            });
            clients[i % clients.length].newWebSocketBuilder().subprotocols("v12.stomp")
                    .buildAsync(URI.create("ws://localhost:" + port + path), listener)
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            System.err.println("connect failed: " + error);
                            inFlight.release();
                            ready.countDown();
                            return;
                        }
                        synchronized (sockets) {
                            sockets.add(ws::abort);
                        }
                        ws.sendText(CONNECT_FRAME, true)
                                .thenCompose(w -> w.sendText(subscribeFrame(index, baseline), true));
                    });
        }
        if (!ready.await(300, TimeUnit.SECONDS)) {
            System.out.println("WARNING: not all subscribers confirmed within 300 s: " + ready.getCount() + " missing");
        }
    }

    /**
     * {@code --client tomcat}: the subscribers on Tomcat's JSR 356 WebSocket client (already on the classpath, a
     * different implementation from the JDK's), to see how much of the machine the measuring clients themselves take.
     * Handshakes run on 64 threads; frames arrive on the container's I/O threads.
     */
    private void connectAllTomcat(int port, String path, int n, boolean baseline, List<Runnable> sockets) throws Exception {
        jakarta.websocket.WebSocketContainer container = jakarta.websocket.ContainerProvider.getWebSocketContainer();
        container.setDefaultMaxTextMessageBufferSize(64 * 1024);
        jakarta.websocket.ClientEndpointConfig config = jakarta.websocket.ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("v12.stomp")).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(64);
        CountDownLatch ready = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            pool.execute(() -> {
                Listener listener = new Listener(baseline, ready::countDown);
                try {
                    jakarta.websocket.Session session = container.connectToServer(new jakarta.websocket.Endpoint() {
                        @Override
                        public void onOpen(jakarta.websocket.Session opened, jakarta.websocket.EndpointConfig endpointConfig) {
                            opened.addMessageHandler(String.class,
                                    (jakarta.websocket.MessageHandler.Partial<String>) (text, last) -> listener.feed(text));
                        }
                    }, config, URI.create("ws://localhost:" + port + path));
                    synchronized (sockets) {
                        sockets.add(() -> {
                            try {
                                session.close();
                            } catch (java.io.IOException e) {
                                // closing anyway
                            }
                        });
                    }
                    session.getBasicRemote().sendText(CONNECT_FRAME);
                    session.getBasicRemote().sendText(subscribeFrame(index, baseline));
                } catch (Exception e) {
                    System.err.println("connect failed: " + e);
                    ready.countDown();
                }
            });
        }
        if (!ready.await(300, TimeUnit.SECONDS)) {
            System.out.println("WARNING: not all subscribers confirmed within 300 s: " + ready.getCount() + " missing");
        }
        pool.shutdown();
    }

    /**
     * {@code --client netty}: the subscribers on Netty's WebSocket client (epoll when available, else NIO) on two
     * event-loop threads — the measuring client that takes the least of the two cores, so the server gets the rest.
     * Frames are counted in the bytes as they arrive: they are read as ISO-8859-1 characters, which keeps every byte
     * (and so every STOMP delimiter and digit) in place without UTF-8 decoding; the tool reads nothing else.
     */
    private void connectAllNetty(int port, String path, int n, boolean baseline, List<Runnable> sockets) throws Exception {
        io.netty.channel.EventLoopGroup group = nettyGroup(2);
        URI uri = URI.create("ws://localhost:" + port + path);
        java.util.concurrent.atomic.AtomicInteger openChannels = new java.util.concurrent.atomic.AtomicInteger(n);
        Semaphore inFlight = new Semaphore(500);
        CountDownLatch ready = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                System.out.printf("WARNING: connection %d onwards hangs (500 attempts pending for 60 s); continuing%n",
                        i + 1 - 500);
                for (long k = ready.getCount(); k > 0; k--) {
                    ready.countDown();
                }
                break;
            }
            String subscribe = subscribeFrame(i, baseline);
            Listener listener = new Listener(baseline, () -> {
                ready.countDown();
                inFlight.release();
            });
            nettyBootstrap(group, uri, listener, subscribe)
                    .connect(uri.getHost(), uri.getPort()).addListener((io.netty.channel.ChannelFutureListener) future -> {
                if (!future.isSuccess()) {
                    System.err.println("connect failed: " + future.cause());
                    inFlight.release();
                    ready.countDown();
                    return;
                }
                io.netty.channel.Channel channel = future.channel();
                synchronized (sockets) {
                    // closing the last of the group's subscribers also stops its event loops
                    sockets.add(() -> channel.close().addListener(closed -> {
                        if (openChannels.decrementAndGet() == 0) {
                            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                        }
                    }));
                }
            });
        }
        if (!ready.await(300, TimeUnit.SECONDS)) {
            System.out.println("WARNING: not all subscribers confirmed within 300 s: " + ready.getCount() + " missing");
        }
    }

    private static io.netty.channel.EventLoopGroup nettyGroup(int threads) {
        return new io.netty.channel.MultiThreadIoEventLoopGroup(threads, io.netty.channel.epoll.Epoll.isAvailable()
                ? io.netty.channel.epoll.EpollIoHandler.newFactory() : io.netty.channel.nio.NioIoHandler.newFactory());
    }

    /** A Netty WebSocket client for one subscriber: {@code subscribe} once connected, its frames to {@code listener}. */
    private static io.netty.bootstrap.Bootstrap nettyBootstrap(io.netty.channel.EventLoopGroup group, URI uri,
                                                               Listener listener, String subscribe) {
        return new io.netty.bootstrap.Bootstrap().group(group)
                .channel(io.netty.channel.epoll.Epoll.isAvailable() ? io.netty.channel.epoll.EpollSocketChannel.class
                        : io.netty.channel.socket.nio.NioSocketChannel.class)
                .option(io.netty.channel.ChannelOption.TCP_NODELAY, true)
                .handler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
                    @Override
                    protected void initChannel(io.netty.channel.Channel channel) {
                        channel.pipeline().addLast(new io.netty.handler.codec.http.HttpClientCodec(),
                                new io.netty.handler.codec.http.HttpObjectAggregator(8192),
                                new io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler(
                                        io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig.newBuilder()
                                                .webSocketUri(uri).subprotocol("v12.stomp").maxFramePayloadLength(1 << 20)
                                                .withUTF8Validator(false).build()),
                                new NettySubscriber(listener, subscribe));
                    }
                });
    }

    /** One Netty subscriber: CONNECT and SUBSCRIBE once the handshake is done, then every text frame to its listener. */
    private static final class NettySubscriber extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final Listener listener;
        private final String subscribe;

        NettySubscriber(Listener listener, String subscribe) {
            this.listener = listener;
            this.subscribe = subscribe;
        }

        @Override
        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object event) {
            if (event == io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler
                    .ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.write(new io.netty.handler.codec.http.websocketx.TextWebSocketFrame(CONNECT_FRAME));
                ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.TextWebSocketFrame(subscribe));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof io.netty.handler.codec.http.websocketx.TextWebSocketFrame
                        || message instanceof io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame) {
                    io.netty.buffer.ByteBuf content = ((io.netty.buffer.ByteBufHolder) message).content();
                    listener.feed(content.getCharSequence(content.readerIndex(), content.readableBytes(),
                            java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            } finally {
                io.netty.util.ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("subscriber failed: " + cause);
            ctx.close();
        }
    }

    private void publish(KafkaProducer<String, EventNotification> producer, String topic, int rate, int seconds,
                         boolean baseline, int port) throws Exception {
        if (baseline) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/baseline/publish?rate=" + rate + "&seconds=" + seconds)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return;
        }
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        EventType[] types = EventType.values();
        for (long i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            EventNotification event = Events.of(types[(int) (i % types.length)], "owner" + (i % 10) + "/ws" + (i % 3) + ".main")
                    .metadata("sent_ms", System.currentTimeMillis()).sequence(i + System.nanoTime()).build();
            producer.send(new ProducerRecord<>(topic, event.agent().key(), event));
        }
        producer.flush();
        Thread.sleep(1_000);
    }

    private void printLatency() {
        long count = 0;
        for (int i = 0; i < latencyMillis.length(); i++) {
            count += latencyMillis.get(i);
        }
        long p50 = -1;
        long p99 = -1;
        long seen = 0;
        for (int i = 0; i < latencyMillis.length(); i++) {
            seen += latencyMillis.get(i);
            if (p50 < 0 && seen >= count * 0.50) {
                p50 = i;
            }
            if (p99 < 0 && seen >= count * 0.99) {
                p99 = i;
            }
        }
        System.out.printf("latency (produce -> receipt, %d samples): p50 %d ms, p99 %d ms, max %d ms%n", count, p50, p99, maxLatency.get());
    }

    private void replay(HttpClient client, KafkaProducer<String, EventNotification> producer, String topic, int port, int events,
                        Process server) throws Exception {
        EventType[] types = EventType.values();
        for (int i = 0; i < events; i++) {
            producer.send(new ProducerRecord<>(topic, "replay/" + (i % 50), Events.of(types[i % types.length],
                    "replay" + (i % 5) + "/ws.main").sequence(i).build()));
        }
        producer.flush();
        // the server's live feed reads those events too: let it catch up first, so the figure is the replay alone
        awaitLiveCaughtUp(port);
        // twice: the first replay after start also pays for JIT-compiling the replay path; a long-running server
        // replays at the second figure
        // --replay-types T1,T2: the replaying subscriber also filters by type (it then receives only those events,
        // every 6th per type; the events/s figure counts what it received, the scan rate counts what it read)
        String replayTypes = args.getOrDefault("replay-types", "");
        long matching = events;
        String typeHeader = "";
        if (!replayTypes.isBlank()) {
            List<EventType> wanted = java.util.Arrays.stream(replayTypes.split(",")).map(EventType::parse).toList();
            matching = java.util.stream.IntStream.range(0, events).filter(i -> wanted.contains(types[i % types.length])).count();
            typeHeader = "event-types:" + replayTypes + "\n";
        }
        // --replay-rounds N (default 3): the C2 compiler was still busy with the replay path and the Kafka consumer
        // through the second replay on this 2-core machine, so the steady figure is the median of rounds 2..N
        int rounds = Math.max(2, intArg("replay-rounds", 3));
        replayOnce(client, server, port, events, matching, typeHeader, "first replay after start (cold JIT)");
        double[] warm = new double[rounds - 1];
        for (int round = 2; round <= rounds; round++) {
            warm[round - 2] = replayOnce(client, server, port, events, matching, typeHeader, "replay " + round + " of " + rounds + " (warm)");
        }
        java.util.Arrays.sort(warm);
        System.out.printf("replay, warm median of %d: %.0f events/s (min %.0f, max %.0f)%n", warm.length,
                warm[warm.length / 2], warm[0], warm[warm.length - 1]);
    }

    /** One replay from the earliest offset to one new subscriber; returns the events/s it received. */
    private double replayOnce(HttpClient client, Process server, int port, int events, long total, String typeHeader, String label)
            throws Exception {
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Listener listener = new Listener(false, () -> { }) {
            @Override
            void onMessage(CharSequence frame, int from, int to) {
                if (received.incrementAndGet() >= total) {
                    done.countDown();
                }
            }
        };
        String subscribe = "SUBSCRIBE\nid:replay\ndestination:/topic/events\nagent-ids:replay*\n" + typeHeader
                + "replay-from:earliest\n\n\0";
        URI uri = URI.create("ws://localhost:" + port + "/api/events/subscribe");
        long start = System.nanoTime();
        Cpu cpu = Cpu.start(server);
        Runnable close;
        if ("netty".equals(clientKind)) {
            // the same light client as the subscribers: the JDK client's one thread decoding every frame to UTF-16
            // is otherwise what a fast replay measures
            io.netty.channel.EventLoopGroup group = nettyGroup(1);
            io.netty.channel.Channel channel = nettyBootstrap(group, uri, listener, subscribe)
                    .connect(uri.getHost(), uri.getPort()).sync().channel();
            close = () -> {
                channel.close();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            };
        } else {
            WebSocket ws = client.newWebSocketBuilder().buildAsync(uri, listener).join();
            ws.sendText(CONNECT_FRAME, true).thenCompose(w -> w.sendText(subscribe, true)).join();
            close = ws::abort;
        }
        long last = 0;
        for (int second = 1; !done.await(1, TimeUnit.SECONDS) && second < 300; second++) {
            long now = received.get();
            System.out.printf("  replay second %d: %d events (+%d)%n", second, now, now - last);
            last = now;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("replay, %s: %d events to one resuming subscriber in %.1f s = %.0f events/s"
                + " (%d of the topic's replay events read: %.0f/s)%n", label, received.get(), seconds, received.get() / seconds,
                events, events / seconds);
        double serverSeconds = cpu.serverSeconds();
        if (serverSeconds >= 0 && received.get() > 0) {
            System.out.printf("  server CPU %.2f s: %.2f µs per replayed event%n", serverSeconds, serverSeconds * 1e6 / received.get());
        }
        close.run();
        return received.get() / seconds;
    }

    /**
     * Counts STOMP frames of one connection; records latency from the event's sent_ms. Frames are scanned in place in
     * the connection's buffer (no String per frame): at tens of thousands of frames per second the load tool shares
     * the two cores with the server, so its own cost per frame is kept small.
     */
    class Listener implements WebSocket.Listener {
        private static final String SENT_MS = "\"sent_ms\":";
        private final Runnable onReady;
        private final boolean readyOnConnected;
        private final StringBuilder partial = new StringBuilder();
        private boolean ready;

        Listener(boolean readyOnConnected, Runnable onReady) {
            this.readyOnConnected = readyOnConnected;
            this.onReady = onReady;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            feed(data);
            webSocket.request(1);
            return null;
        }

        /** The next piece of the connection's text (any client): handles every frame it completes. */
        void feed(CharSequence data) {
            partial.append(data);
            int start = 0;
            int end;
            while ((end = partial.indexOf("\0", start)) >= 0) {
                handle(start, end);
                start = end + 1;
            }
            partial.delete(0, start);
        }

        private void handle(int from, int to) {
            while (from < to && (partial.charAt(from) == '\n' || partial.charAt(from) == '\r')) {
                from++; // heart-beats and the EOLs STOMP allows between frames
            }
            if (startsWith(from, to, "MESSAGE")) {
                onMessage(partial, from, to);
            } else if ((startsWith(from, to, "RECEIPT") || readyOnConnected && startsWith(from, to, "CONNECTED")) && !ready) {
                ready = true;
                onReady.run();
            } else if (startsWith(from, to, "ERROR")) {
                errors.incrementAndGet();
                if (!ready) {
                    ready = true;
                    onReady.run();
                }
            }
        }

        private boolean startsWith(int from, int to, String command) {
            if (to - from < command.length()) {
                return false;
            }
            for (int i = 0; i < command.length(); i++) {
                if (partial.charAt(from + i) != command.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** A MESSAGE frame, {@code frame[from, to)}; valid only during the call. */
        void onMessage(CharSequence frame, int from, int to) {
            if (!measuring) {
                return;
            }
            deliveries.incrementAndGet();
            int at = partial.indexOf(SENT_MS, from);
            if (at >= 0 && at < to) {
                long sent = 0;
                for (int i = at + SENT_MS.length(); i < to && Character.isDigit(partial.charAt(i)); i++) {
                    sent = sent * 10 + (partial.charAt(i) - '0');
                }
                long latency = System.currentTimeMillis() - sent;
                latencyMillis.incrementAndGet((int) Math.max(0, Math.min(latency, latencyMillis.length() - 1)));
                maxLatency.accumulateAndGet(latency, Math::max);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
