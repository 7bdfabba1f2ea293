package io.fleetevents.codersim;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs coder-sim alone: {@code java -jar coder-sim-exec.jar}. Settings come from environment variables (or system
 * properties of the same name): {@code CODER_SIM_PORT} (3000), {@code CODER_SIM_BIND} (0.0.0.0),
 * {@code CODER_SIM_TOKEN} (sim-token), {@code CODER_SIM_SEED} (42), {@code CODER_SIM_WORKSPACES} (50),
 * {@code CODER_SIM_SUB_AGENT_RATIO} (0.1), {@code CODER_SIM_ACTIVITY_MS} (1000; 0 = scripted only),
 * {@code CODER_SIM_CHANGES_PER_STEP} (-1 = 0.5 % of workspaces), {@code CODER_SIM_TASKS_API} (true).
 */
public final class CoderSimMain {

    private CoderSimMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        CoderSimConfig config;
        try {
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
                + " with " + config.workspaces() + " workspaces (seed " + config.seed() + ", id seed " + config.idSeed() + "); control API at /sim/");
        stopped.await();
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
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
