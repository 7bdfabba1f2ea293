package io.fleetevents.standalone;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Configuration of the standalone stack, from environment variables (or {@code --name=value} arguments with the same
 * names in lower case, e.g. {@code --fleet-http-port=9090}). Every key has a default; a bad value fails at start
 * naming the key.
 *
 * @param dataDir            {@code FLEET_DATA_DIR}: broker logs, processor state and the dev token (default {@code .fleet-events})
 * @param httpPort           {@code FLEET_HTTP_PORT}: dashboard, STOMP, SSE, REST (default 8080)
 * @param kafkaPort          {@code FLEET_KAFKA_PORT}: embedded broker's client port (default 9092)
 * @param kafkaControllerPort {@code FLEET_KAFKA_CONTROLLER_PORT}: its KRaft controller port (default 9093)
 * @param simPort            {@code FLEET_SIM_PORT}: coder-sim's port (default 3000)
 * @param simWorkspaces      {@code FLEET_SIM_WORKSPACES}: size of the simulated fleet (default 40)
 * @param simSeed            {@code FLEET_SIM_SEED}: the simulated fleet's random seed (default 42)
 * @param simActivity        {@code FLEET_SIM_ACTIVITY}: how often the simulated fleet changes by itself; {@code 0} = only
 *                           scripted changes through coder-sim's control API (default 1s)
 * @param pollInterval       {@code FLEET_POLL_INTERVAL}: poll interval, e.g. {@code 2s} (default 2s)
 * @param coderUrl           {@code CODER_URL}: poll this real Coder instead of the simulator (default: simulate)
 * @param coderToken         {@code CODER_SESSION_TOKEN}: its session token; required with {@code CODER_URL}; never printed
 */
public record StandaloneConfig(Path dataDir, int httpPort, int kafkaPort, int kafkaControllerPort, int simPort,
                               int simWorkspaces, long simSeed, Duration simActivity, Duration pollInterval, URI coderUrl, String coderToken) {

    /** Whether a real Coder is polled instead of the simulator. */
    public boolean realCoder() {
        return coderUrl != null;
    }

    /**
     * Reads the configuration; arguments {@code --fleet-http-port=9090} override environment {@code FLEET_HTTP_PORT}.
     *
     * @throws IllegalArgumentException naming the key and what it accepts
     */
    public static StandaloneConfig from(Map<String, String> env, String[] args) {
        java.util.HashMap<String, String> values = new java.util.HashMap<>(env);
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("unknown argument '" + arg + "': use --name=value, e.g. --fleet-http-port=9090");
            }
            String name = arg.substring(2, arg.indexOf('=')).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            values.put(name, arg.substring(arg.indexOf('=') + 1));
        }
        String coderUrl = blankToNull(values.get("CODER_URL"));
        String coderToken = blankToNull(values.get("CODER_SESSION_TOKEN"));
        URI url = null;
        if (coderUrl != null) {
            try {
                url = URI.create(coderUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("CODER_URL is not a URL: " + e.getMessage(), e);
            }
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("CODER_URL must be an http(s) URL, was '" + coderUrl + "'");
            }
            if (coderToken == null) {
                throw new IllegalArgumentException("CODER_SESSION_TOKEN is required when CODER_URL is set");
            }
        }
        return new StandaloneConfig(
                Path.of(values.getOrDefault("FLEET_DATA_DIR", ".fleet-events")),
                port(values, "FLEET_HTTP_PORT", 8080),
                port(values, "FLEET_KAFKA_PORT", 9092),
                port(values, "FLEET_KAFKA_CONTROLLER_PORT", 9093),
                port(values, "FLEET_SIM_PORT", 3000),
                integer(values, "FLEET_SIM_WORKSPACES", 40, 0, 100_000),
                integer(values, "FLEET_SIM_SEED", 42, Integer.MIN_VALUE, Integer.MAX_VALUE),
                "0".equals(values.get("FLEET_SIM_ACTIVITY")) ? Duration.ZERO : duration(values, "FLEET_SIM_ACTIVITY", Duration.ofSeconds(1)),
                duration(values, "FLEET_POLL_INTERVAL", Duration.ofSeconds(2)),
                url, coderToken);
    }

    private static int port(Map<String, String> values, String key, int fallback) {
        return integer(values, key, fallback, 0, 65535);
    }

    private static int integer(Map<String, String> values, String key, int fallback, int min, int max) {
        String text = blankToNull(values.get(key));
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + text + "'", e);
        }
    }

    private static Duration duration(Map<String, String> values, String key, Duration fallback) {
        String text = blankToNull(values.get(key));
        if (text == null) {
            return fallback;
        }
        try {
            String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            Duration d = t.endsWith("ms") ? Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)))
                    : t.endsWith("s") ? Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)))
                    : t.endsWith("m") ? Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)))
                    : Duration.parse(text.trim());
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " must be positive, was '" + text + "'");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be a duration like 500ms, 2s or 1m, was '" + text + "'", e);
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    @Override
    public String toString() {
        return "StandaloneConfig[dataDir=" + dataDir + ", httpPort=" + httpPort + ", kafkaPort=" + kafkaPort
                + ", simPort=" + simPort + ", simWorkspaces=" + simWorkspaces + ", simActivity=" + simActivity + ", pollInterval=" + pollInterval
                + ", coderUrl=" + coderUrl + ", coderToken=" + (coderToken == null ? "none" : "***") + "]";
    }
}
