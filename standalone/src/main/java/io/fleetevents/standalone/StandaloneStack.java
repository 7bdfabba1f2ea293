package io.fleetevents.standalone;

import io.fleetevents.broadcaster.BroadcasterApplication;
import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.CoderSimConfig;
import io.fleetevents.poller.PollerApplication;
import io.fleetevents.processor.ProcessorApplication;
import io.fleetevents.standalone.kafka.KraftBroker;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts and stops the whole pipeline in one JVM, in dependency order: Kafka, coder-sim (unless a real Coder is
 * configured), processor, broadcaster, poller. Each app runs in its own Spring context with the same configuration
 * keys it reads when it runs alone; closing stops them in reverse order, the broker last, so every in-flight
 * transaction is committed or aborted before Kafka goes away.
 */
public final class StandaloneStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneStack.class);

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final StandaloneConfig config;
    private final String devToken;
    private final KraftBroker broker;
    private final CoderSim sim;
    private final int httpPort;
    private Map<String, Object> broadcasterProperties;
    private ConfigurableApplicationContext broadcasterContext;

    private StandaloneStack(StandaloneConfig config) {
        this.config = config;
        // Several Spring contexts share this JVM and start concurrently: logging is configured once, by the
        // standalone's logback.xml, instead of by each context (which would race and stack up appenders).
        if (System.getProperty(LoggingSystem.SYSTEM_PROPERTY) == null) {
            System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        }
        if (config.httpPort() != 0) {
            KraftBroker.requireFree(config.httpPort(), "HTTP (FLEET_HTTP_PORT)");
        }
        if (!config.realCoder() && config.simPort() != 0) {
            KraftBroker.requireFree(config.simPort(), "coder-sim (FLEET_SIM_PORT)");
        }
        this.devToken = DevToken.loadOrCreate(config.dataDir(), "dev-token");
        try {
            this.broker = KraftBroker.start(config.dataDir(), config.kafkaPort(), config.kafkaControllerPort());
            running.push(broker);
            String coderToken;
            URI coderUrl;
            if (config.realCoder()) {
                this.sim = null;
                coderUrl = config.coderUrl();
                coderToken = config.coderToken();
            } else {
                String simToken = DevToken.loadOrCreate(config.dataDir(), "coder-sim-token");
                this.sim = CoderSim.start(CoderSimConfig.builder()
                        .port(config.simPort())
                        .token(simToken)
                        .seed(config.simSeed())
                        .workspaces(config.simWorkspaces())
                        .activityInterval(config.simActivity())
                        .build());
                running.push(sim);
                coderUrl = sim.url();
                coderToken = simToken;
            }
            String kafka = broker.bootstrapServers();
            Map<String, Object> broadcaster = new LinkedHashMap<>();
            broadcaster.put("server.port", config.httpPort());
            broadcaster.put("fleet.broadcaster.kafka.bootstrap-servers", kafka);
            broadcaster.put("fleet.broadcaster.auth.tokens[0].name", "dev");
            broadcaster.put("fleet.broadcaster.auth.tokens[0].sha256", DevToken.sha256Hex(devToken));
            broadcaster.put("fleet.broadcaster.auth.tokens[0].agent-patterns[0]", "*");
            // The three apps need only Kafka (and Coder), not each other: start them side by side, which cuts the
            // stack's start-up by the time of the two slower contexts.
            ExecutorService starter = Executors.newFixedThreadPool(3, r -> new Thread(r, "fleet-events-start"));
            try {
                CompletableFuture<ConfigurableApplicationContext> processor = CompletableFuture.supplyAsync(() ->
                        launch("processor", ProcessorApplication.class, WebApplicationType.NONE, Map.of(
                                "fleet.processor.bootstrap-servers", kafka,
                                "fleet.processor.streams.state-dir",
                                config.dataDir().resolve("processor-state").toAbsolutePath().toString(),
                                // After a restart the broker keeps the last run's members until their session
                                // expires: 10 s instead of Kafka's 45 s before events flow again.
                                "fleet.processor.streams.overrides[consumer.session.timeout.ms]", "10000")), starter);
                CompletableFuture<ConfigurableApplicationContext> web = CompletableFuture.supplyAsync(() ->
                        launch("broadcaster", BroadcasterApplication.class, WebApplicationType.SERVLET, broadcaster), starter);
                URI pollUrl = coderUrl;
                String pollToken = coderToken;
                CompletableFuture<ConfigurableApplicationContext> poller = CompletableFuture.supplyAsync(() ->
                        launch("poller", PollerApplication.class, WebApplicationType.NONE, Map.of(
                                "fleet.poller.coder.url", pollUrl.toString(),
                                "fleet.poller.coder.token", pollToken,
                                "fleet.poller.kafka.bootstrap-servers", kafka,
                                "fleet.poller.deployment", config.realCoder() ? pollUrl.getHost() : "coder-sim",
                                "fleet.poller.interval", config.pollInterval().toMillis() + "ms")), starter);
                List<CompletableFuture<ConfigurableApplicationContext>> apps = List.of(processor, web, poller);
                try {
                    CompletableFuture.allOf(apps.toArray(CompletableFuture[]::new)).join();
                } catch (CompletionException e) {
                    for (CompletableFuture<ConfigurableApplicationContext> app : apps) {
                        app.thenAccept(ConfigurableApplicationContext::close);
                    }
                    throw e.getCause() instanceof RuntimeException cause ? cause : e;
                }
                // Pushed in dependency order, so closing stops the poller first and the processor last.
                running.push(processor.join());
                this.broadcasterContext = web.join();
                running.push(broadcasterContext);
                running.push(poller.join());
            } finally {
                starter.shutdown();
            }
            this.httpPort = Integer.parseInt(broadcasterContext.getEnvironment().getProperty("local.server.port"));
            broadcaster.put("server.port", httpPort);
            this.broadcasterProperties = broadcaster;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Stops the broadcaster alone (every client connection is cut); the rest of the pipeline keeps running. */
    public synchronized void stopBroadcaster() {
        if (broadcasterContext != null) {
            running.remove(broadcasterContext);
            broadcasterContext.close();
            broadcasterContext = null;
        }
    }

    /** Starts the broadcaster again on the same port after {@link #stopBroadcaster()}. */
    public synchronized void startBroadcaster() {
        if (broadcasterContext == null) {
            broadcasterContext = start("broadcaster", BroadcasterApplication.class, WebApplicationType.SERVLET, broadcasterProperties);
        }
    }

    /** Starts the stack; on failure, whatever had started is stopped again. */
    public static StandaloneStack start(StandaloneConfig config) {
        return new StandaloneStack(config);
    }

    private ConfigurableApplicationContext start(String name, Class<?> app, WebApplicationType type, Map<String, Object> properties) {
        ConfigurableApplicationContext context = launch(name, app, type, properties);
        running.push(context);
        return context;
    }

    private static ConfigurableApplicationContext launch(String name, Class<?> app, WebApplicationType type, Map<String, Object> properties) {
        LOG.info("starting {}", name);
        Map<String, Object> all = new LinkedHashMap<>(properties);
        all.put("spring.application.name", "fleet-events-" + name);
        all.put("spring.main.banner-mode", "off");
        all.put("spring.jmx.enabled", "false");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(app)
                .web(type)
                .properties(all)
                .registerShutdownHook(false)
                .logStartupInfo(false)
                .run();
        LOG.info("{} started", name);
        return context;
    }

    /** The broker's bootstrap servers. */
    public String kafkaBootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The port the broadcaster (dashboard, STOMP, SSE, REST) listens on. */
    public int httpPort() {
        return httpPort;
    }

    /** The development API token (full access). */
    public String devToken() {
        return devToken;
    }

    /** The simulator, or null when a real Coder is polled. */
    public CoderSim sim() {
        return sim;
    }

    /** The banner printed at start: where to look, and the dev token. */
    public String banner() {
        String http = "http://localhost:" + httpPort;
        return String.join(System.lineSeparator(),
                "",
                "Fleet Events is running.",
                "  Dashboard   " + http + "/#token=" + devToken,
                "  STOMP       ws://localhost:" + httpPort + "/api/events/subscribe   (CONNECT passcode: the dev token)",
                "  SSE         " + http + "/api/events/stream      (Authorization: Bearer <dev token>)",
                "  Long-poll   " + http + "/api/events",
                "  MCP         " + http + "/mcp   (Streamable HTTP; add it to Claude Code with:)",
                "              claude mcp add --transport http fleet-events " + http + "/mcp --header \"Authorization: Bearer "
                        + devToken + "\"",
                "  Kafka       " + broker.bootstrapServers() + "   (topics coder.agent-snapshots, fleet.events, fleet.capacity)",
                "  Coder       " + (sim != null ? "simulated at " + sim.url() + " (" + config.simWorkspaces() + " workspaces)"
                        : "polling " + config.coderUrl()),
                "  Dev token   " + devToken + "   (also in " + config.dataDir().resolve("dev-token").toAbsolutePath() + ")",
                "  Data        " + config.dataDir().toAbsolutePath() + "   (kept across restarts: replay works after a restart)",
                "Press Ctrl-C to stop.",
                "");
    }

    /** Stops every app, then the simulator, then the broker. */
    @Override
    public void close() {
        while (!running.isEmpty()) {
            AutoCloseable next = running.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", next.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
