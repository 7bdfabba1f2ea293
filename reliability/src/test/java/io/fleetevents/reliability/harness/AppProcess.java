package io.fleetevents.reliability.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One app (or the broker) as a child JVM that can be SIGKILLed, stopped gracefully and started again with the same
 * command, ports and data directory. Output (stdout and stderr) is appended to one log file per app, so a restart's
 * log follows the previous run's.
 */
public final class AppProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xss512k", "-XX:-UsePerfData", "-Djava.net.preferIPv4Stack=true");

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    /** Environment set for the next starts on top of {@link #env}; a key mapped to "" is removed. */
    private final Map<String, String> envOverrides = new java.util.concurrent.ConcurrentHashMap<>();
    private final Path log;
    private final int healthPort;
    private final String healthPath;
    private Process process;
    private int starts;

    private AppProcess(String name, List<String> command, Map<String, String> env, Path log, int healthPort,
                       String healthPath) {
        this.name = name;
        this.command = command;
        this.env = env;
        this.log = log;
        this.healthPort = healthPort;
        this.healthPath = healthPath;
    }

    /**
     * An executable jar run as {@code java <heap> <fast-start flags> -jar jar args…}.
     *
     * @param healthPort the port of the health URL, or 0 when readiness is a line in the log
     * @param healthPath the path answering 200 when the app is ready ({@code /actuator/health})
     */
    public static AppProcess jar(String name, Path jar, String heap, List<String> args, Map<String, String> env,
                                 Path logDir, int healthPort, String healthPath) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(JVM_FLAGS);
        command.add("-jar");
        command.add(jar.toAbsolutePath().normalize().toString());
        command.addAll(args);
        return new AppProcess(name, List.copyOf(command), Map.copyOf(env), logDir.resolve(name + ".log"), healthPort,
                healthPath);
    }

    /**
     * A main class run from a class path as {@code java <heap> <fast-start flags> -cp classPath mainClass args…};
     * readiness is a line in its log ({@link #awaitLogLine}).
     */
    public static AppProcess main(String name, String classPath, String mainClass, String heap, List<String> jvmArgs,
                                  List<String> args, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(JVM_FLAGS);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return new AppProcess(name, List.copyOf(command), Map.of(), logDir.resolve(name + ".log"), 0, null);
    }

    public String name() {
        return name;
    }

    /** Starts the process (again); returns at once: use {@link #awaitHealthy} or {@link #awaitLogLine}. */
    public synchronized AppProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(log.getParent());
            starts++;
            Files.writeString(log, "\n===== start " + starts + " of " + name + " =====\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            envOverrides.forEach((key, value) -> {
                if (value.isEmpty()) {
                    builder.environment().remove(key);
                } else {
                    builder.environment().put(key, value);
                }
            });
            process = builder.start();
            int run = starts;
            // how it ended (137 = SIGKILL, 143 = SIGTERM), after whatever it wrote last
            process.onExit().thenAccept(p -> appendToLog("\n===== run " + run + " of " + name + " exited with code "
                    + p.exitValue() + " =====\n"));
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets {@code key} in the environment of the next starts ({@code null}: leaves it out, whatever the process was
     * created with). Takes effect at the next {@link #start}.
     */
    public void setEnv(String key, String value) {
        envOverrides.put(key, value == null ? "" : value);
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is only for people
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no graceful leave of a consumer group. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, name);
        }
    }

    /** SIGTERM and wait: the app's graceful shutdown runs. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            waitFor(process, name);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Path log() {
        return log;
    }

    public int port() {
        return healthPort;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Waits until {@code /actuator/health} answers 200 (UP). */
    public AppProcess awaitHealthy(Duration atMost) {
        await(name + " healthy").atMost(atMost).pollInterval(Duration.ofMillis(250))
                .failFast(name + " exited: see " + log, () -> !isAlive())
                .ignoreExceptions()
                .until(() -> health().statusCode() == 200);
        return this;
    }

    /** The health endpoint's answer (200 UP, 503 DOWN). */
    public HttpResponse<String> health() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + healthPath))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Prometheus text of the app. */
    public String prometheus() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Waits until the log of the current run holds {@code text}. */
    public AppProcess awaitLogLine(String text, Duration atMost) {
        int run = starts;
        await(name + " logs '" + text + "'").atMost(atMost).pollInterval(Duration.ofMillis(200))
                .failFast(name + " exited: see " + log, () -> !isAlive())
                .until(() -> {
                    String all = Files.readString(log, StandardCharsets.UTF_8);
                    int from = all.lastIndexOf("===== start " + run + " of " + name);
                    return all.indexOf(text, Math.max(from, 0)) >= 0;
                });
        return this;
    }

    /**
     * Writes a thread dump of the running app ({@code jcmd <pid> Thread.print}) next to its log, for a scenario that
     * timed out; returns the file, or null when the app is not running or the dump failed.
     */
    public Path threadDump(String why) {
        long pid = pid();
        if (pid < 0 || !isAlive()) {
            return null;
        }
        Path out = log.resolveSibling(name + "-threads-" + System.currentTimeMillis() + ".txt");
        try {
            Files.writeString(out, "# " + why + System.lineSeparator(), StandardCharsets.UTF_8);
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
            return jcmd.waitFor(30, TimeUnit.SECONDS) ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void waitFor(Process process, String name) {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
