package io.fleetevents.poller;

import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.CoderSimConfig;
import io.fleetevents.testing.KafkaTestBroker;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a poller IT runs, registered with {@code @RegisterExtension}: coder-sim, pollers against it writing to a topic
 * of the test's own on the test broker, and readers of that topic. Everything started through it is closed after each
 * test, newest first, so a poller stops before the sim it reads.
 */
final class PollerFixture implements AfterEachCallback {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final String topic;
    private CoderSim sim;

    /** @param topicPrefix prefix of the snapshot topic's unique name */
    PollerFixture(String topicPrefix) {
        this.topic = KafkaTestBroker.uniqueTopic(topicPrefix);
    }

    /** Starts a scripted coder-sim with no workspaces; the pollers started after it read it. */
    CoderSim startSim() {
        sim = CoderSim.start(CoderSimConfig.builder().workspaces(0).scripted().build());
        closeables.add(sim);
        return sim;
    }

    /**
     * Starts a poller against the sim into this fixture's topic: a random port, the sim's URL and token, deployment
     * {@code sim}, a 15 s cycle timeout; then {@code settings}, then {@code extra} ({@code key=value}), each overriding
     * what came before.
     */
    ConfigurableApplicationContext startPoller(Map<String, String> settings, String... extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("server.port", "0");
        props.put("fleet.poller.coder.url", sim.url().toString());
        props.put("fleet.poller.coder.token", sim.token());
        props.put("fleet.poller.deployment", "sim");
        props.put("fleet.poller.cycle-timeout", "15s");
        props.put("fleet.poller.topic.name", topic);
        props.put("spring.kafka.bootstrap-servers", KafkaTestBroker.bootstrapServers());
        props.putAll(settings);
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            props.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PollerApplication.class)
                .properties(props).run();
        closeables.add(context);
        return context;
    }

    /** A reader of this fixture's topic from its beginning. */
    TopicReader reader() {
        TopicReader reader = new TopicReader(topic);
        closeables.add(reader);
        return reader;
    }

    /** {@code pathAndQuery} on the HTTP port of {@code poller}. */
    static URI uri(ConfigurableApplicationContext poller, String pathAndQuery) {
        String port = poller.getEnvironment().getProperty("local.server.port");
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }
}
