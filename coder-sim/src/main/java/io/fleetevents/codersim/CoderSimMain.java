package io.fleetevents.codersim;

import io.fleetevents.codersim.fleet.CoderVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs coder-sim alone: {@code java -jar coder-sim-exec.jar [--coder-version v2.28] [--port=3001] ...}. Settings come
 * from command-line flags, environment variables or system properties, in that order; flag {@code --some-key} is
 * variable {@code CODER_SIM_SOME_KEY}: {@code CODER_SIM_PORT} (3000), {@code CODER_SIM_BIND} (0.0.0.0),
 * {@code CODER_SIM_TOKEN} (sim-token), {@code CODER_SIM_SEED} (42), {@code CODER_SIM_WORKSPACES} (50),
 * {@code CODER_SIM_SUB_AGENT_RATIO} (0.1), {@code CODER_SIM_ACTIVITY_MS} (1000; 0 = scripted only),
 * {@code CODER_SIM_CHANGES_PER_STEP} (-1 = 0.5 % of workspaces), {@code CODER_SIM_TASKS_API} (true),
 * {@code CODER_SIM_CODER_VERSION} (latest), {@code CODER_SIM_AGENTAPI_IDLE_MS} (2000),
 * {@code CODER_SIM_SESSION_USER} (admin).
 */
public final class CoderSimMain {

    private CoderSimMain() {
    }

    private static final Map<String, String> FLAGS = new HashMap<>();

    public static void main(String[] args) throws InterruptedException {
        CoderSimConfig config;
        try {
            readFlags(args);
            CoderSimConfig.Builder builder = CoderSimConfig.builder();
            if (setting("CODER_SIM_ID_SEED", null) != null) {
                builder.idSeed(longSetting("CODER_SIM_ID_SEED", 0));
            }
            config = builder
                    .port(intSetting("CODER_SIM_PORT", 3000))
                    .bindAddress(setting("CODER_SIM_BIND", "0.0.0.0"))
                    .token(setting("CODER_SIM_TOKEN", "sim-token"))
                    .seed(longSetting("CODER_SIM_SEED", 42))
                    .workspaces(intSetting("CODER_SIM_WORKSPACES", 50))
                    .subAgentRatio(Double.parseDouble(setting("CODER_SIM_SUB_AGENT_RATIO", "0.1")))
                    .activityInterval(Duration.ofMillis(intSetting("CODER_SIM_ACTIVITY_MS", 1000)))
                    .changesPerStep(intSetting("CODER_SIM_CHANGES_PER_STEP", -1))
                    .tasksApi(Boolean.parseBoolean(setting("CODER_SIM_TASKS_API", "true")))
                    .coderVersion(versionSetting())
                    .agentApiIdleDelay(Duration.ofMillis(intSetting("CODER_SIM_AGENTAPI_IDLE_MS", 2000)))
                    .sessionUser(setting("CODER_SIM_SESSION_USER", "admin"))
                    .build();
        } catch (IllegalArgumentException e) {
            System.err.println("coder-sim: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        CoderSim sim = CoderSim.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "coder-sim-stop"));
        System.out.println("coder-sim listening on http://" + config.bindAddress() + ":" + sim.port()
                + " as Coder " + config.coderVersion() + " with " + config.workspaces() + " workspaces (seed " + config.seed() + ", id seed " + config.idSeed() + "); control API at /sim/");
        stopped.await();
    }

    /** {@code --coder-version v2.28} and {@code --coder-version=v2.28} both set {@code CODER_SIM_CODER_VERSION}. */
    private static void readFlags(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() < 3) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': flags look like --coder-version=v2.28");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("flag --" + name + " needs a value");
            }
            FLAGS.put("CODER_SIM_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), value);
        }
    }

    private static CoderVersion versionSetting() {
        String value = setting("CODER_SIM_CODER_VERSION", "latest");
        try {
            return CoderVersion.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CODER_SIM_CODER_VERSION (--coder-version): " + e.getMessage());
        }
    }

    private static String setting(String name, String fallback) {
        String value = FLAGS.get(name);
        if (value == null) {
            value = System.getenv(name);
        }
        if (value == null) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static long longSetting(String name, long fallback) {
        String value = setting(name, Long.toString(fallback));
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'");
        }
    }

    private static int intSetting(String name, int fallback) {
        long value = longSetting(name, fallback);
        if (value != (int) value) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'");
        }
        return (int) value;
    }
}
