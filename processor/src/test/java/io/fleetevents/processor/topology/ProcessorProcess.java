package io.fleetevents.processor.topology;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real processor app in a child JVM, so an IT can kill it the hard way ({@code kill -9}). */
final class ProcessorProcess implements AutoCloseable {

    private final Process process;

    private ProcessorProcess(Process process) {
        this.process = process;
    }

    static ProcessorProcess start(Path log, String... properties) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                "io.fleetevents.processor.ProcessorApplication"));
        for (String property : properties) {
            command.add("--" + property);
        }
        File out = log.toFile();
        return new ProcessorProcess(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out)).start());
    }

    /** SIGKILL: no shutdown hook, no commit, no leaving the group; an open transaction is left behind. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
