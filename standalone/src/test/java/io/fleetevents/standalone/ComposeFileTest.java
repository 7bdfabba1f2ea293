package io.fleetevents.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.poller.PollerProperties;
import io.fleetevents.processor.ProcessorConfig;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks docker-compose.yml without a Docker engine (.ci/compose-test.sh runs it for real, after the Maven build): the
 * file parses, every app is there with health checks and health-gated start order, and every environment variable it sets
 * is one the app reads — a plain variable the app's code names, a Spring Boot setting, or one of the app's own
 * configuration keys in relaxed-binding form.
 */
class ComposeFileTest {

    private static final Map<String, List<Class<?>>> PROPERTIES = Map.of(
            "poller", List.of(PollerProperties.class),
            "processor", List.of(ProcessorConfig.class),
            "broadcaster", List.of(BroadcasterProperties.class, capacityProperties()),
            "coder-sim", List.of());

    private static final Set<String> SPRING_BOOT_SETTINGS = Set.of("SERVER_PORT", "JAVA_TOOL_OPTIONS");

    @Test
    @SuppressWarnings("unchecked")
    void shouldParseAndOnlySetEnvironmentVariablesTheAppsRead() throws IOException {
        Map<String, Object> compose = load();
        Map<String, Object> services = (Map<String, Object>) compose.get("services");

        assertThat(services).containsKeys("kafka", "coder-sim", "poller", "processor", "broadcaster");
        assertThat(((Map<String, Object>) services.get("kafka")).get("image").toString())
                .startsWith("${KAFKA_IMAGE:-apache/kafka:");
        for (String app : PROPERTIES.keySet()) {
            Map<String, Object> service = (Map<String, Object>) services.get(app);
            assertThat(service).as(app).containsKeys("build", "healthcheck", "environment");
            assertThat((Map<String, Object>) ((Map<String, Object>) service.get("build")).get("args")).as(app)
                    .containsEntry("MODULE", app)
                    .containsKeys("JDK_IMAGE", "JRE_IMAGE", "APP_JARS");
            Map<String, Object> environment = (Map<String, Object>) service.get("environment");
            for (String variable : environment.keySet()) {
                assertThat(isRead(app, variable)).as("%s sets %s, which %s never reads", app, variable, app).isTrue();
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldStartAppsOnlyAfterWhatTheyNeedIsHealthy() throws IOException {
        Map<String, Object> services = (Map<String, Object>) load().get("services");

        for (String app : List.of("poller", "processor", "broadcaster")) {
            Map<String, Object> dependsOn = (Map<String, Object>) ((Map<String, Object>) services.get(app)).get("depends_on");
            assertThat(dependsOn).as(app).containsKey("kafka");
            dependsOn.values().forEach(condition ->
                    assertThat((Map<String, Object>) condition).containsEntry("condition", "service_healthy"));
        }
    }

    /**
     * The broker image's Kafka (official image tag, the jars of docker/kafka) is the Kafka the apps are built and
     * tested with, so a Spring Boot upgrade that moves Kafka fails here until both follow.
     */
    @Test
    @SuppressWarnings("unchecked")
    void shouldRunTheKafkaVersionTheAppsUse() throws IOException {
        String kafka = org.apache.kafka.common.utils.AppInfoParser.getVersion();
        Map<String, Object> services = (Map<String, Object>) load().get("services");

        assertThat(((Map<String, Object>) services.get("kafka")).get("image").toString())
                .isEqualTo("${KAFKA_IMAGE:-apache/kafka:" + kafka + "}");
        assertThat(Files.readString(Path.of("../docker/kafka/pom.xml")))
                .contains("<kafka.version>" + kafka + "</kafka.version>");
    }

    @Test
    void shouldRecogniseRelaxedBindingOfNestedAndIndexedKeys() {
        assertThat(isRead("broadcaster", "FLEET_BROADCASTER_AUTH_TOKENS_0_AGENT_PATTERNS_0")).isTrue();
        assertThat(isRead("poller", "FLEET_POLLER_CODER_CONNECT_TIMEOUT")).isTrue();
        assertThat(isRead("poller", "FLEET_POLLER_NO_SUCH_KEY")).isFalse();
        assertThat(isRead("processor", "KAFKA_BOOTSTRAP_SERVERS")).isTrue();
        assertThat(isRead("coder-sim", "CODER_SIM_MADE_UP")).isFalse();
    }

    private static Map<String, Object> load() throws IOException {
        try (Reader reader = Files.newBufferedReader(Path.of("../docker-compose.yml"))) {
            return new Yaml(new LoaderOptions()).load(reader);
        }
    }

    private static boolean isRead(String app, String variable) {
        if (SPRING_BOOT_SETTINGS.contains(variable) || namedInSource(app, variable)) {
            return true;
        }
        String wanted = canonical(variable.replaceAll("_\\d+(?=_|$)", ""));
        for (Class<?> type : PROPERTIES.get(app)) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            for (String key : keys(prefix, type, new HashSet<>())) {
                if (canonical(key).equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The app's code names the variable itself (System.getenv, Environment lookups, documented fallbacks). */
    private static boolean namedInSource(String app, String variable) {
        try (Stream<Path> files = Files.walk(Path.of("..", app, "src", "main", "java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).anyMatch(f -> {
                try {
                    return Files.readString(f).contains("\"" + variable + "\"");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every property key under {@code prefix} that the record tree binds (lists and maps by their element keys). */
    private static List<String> keys(String prefix, Class<?> type, Set<Class<?>> seen) {
        List<String> keys = new ArrayList<>();
        if (!type.isRecord() || !seen.add(type)) {
            keys.add(prefix);
            return keys;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            String key = prefix + "." + component.getName();
            Class<?> element = elementType(component.getGenericType());
            if (element != null && element.isRecord()) {
                keys.addAll(keys(key, element, new HashSet<>(seen)));
            } else if (component.getType().isRecord()) {
                keys.addAll(keys(key, component.getType(), new HashSet<>(seen)));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }

    private static Class<?> elementType(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element;
        }
        return null;
    }

    private static String canonical(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    private static Class<?> capacityProperties() {
        try {
            return Class.forName("io.fleetevents.broadcaster.capacity.CapacityProperties");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
