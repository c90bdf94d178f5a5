package io.strata.platform.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One broker as its own {@code java -jar} process of the platform jar, so that a test can kill it with
 * SIGKILL or freeze it with SIGSTOP the way an operator or the kernel would, which an in-JVM broker cannot
 * show. Its id, ports and data dir stay fixed across restarts (a restart is the same broker coming back);
 * stdout and stderr of every run are appended to one log file for debugging.
 */
final class BrokerProcess {
    /** Small JVMs: three brokers and the test share two cores. C1 only, since startup time matters more here. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final int id;
    private final int kafkaPort;
    private final int httpPort;
    private final Path jar;
    private final Path dataDir;
    private final Path logFile;
    private final Map<String, String> properties;
    private volatile Process process;

    /** @param properties Spring properties common to the cluster (datasource, timeouts), passed as {@code --k=v} */
    BrokerProcess(int id, int kafkaPort, int httpPort, Path jar, Path dataDir, Path logFile,
                  Map<String, String> properties) {
        this.id = id;
        this.kafkaPort = kafkaPort;
        this.httpPort = httpPort;
        this.jar = jar;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.properties = Map.copyOf(properties);
    }

    /** Empties the log file of an earlier test run; every start of this run then appends to it. */
    void clearLog() throws IOException {
        Files.deleteIfExists(logFile);
    }

    /** Starts the JVM; it serves once it has registered, which the cluster awaits through the Admin API. */
    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Broker " + id + " already runs as pid " + process.pid());
        }
        Files.createDirectories(dataDir);
        Files.createDirectories(logFile.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--strata.broker.id=" + id);
        command.add("--strata.kafka.host=127.0.0.1");
        command.add("--strata.kafka.port=" + kafkaPort);
        command.add("--server.port=" + httpPort);
        command.add("--server.address=127.0.0.1");
        command.add("--strata.data-dir=" + dataDir);
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Files.writeString(logFile, "===== starting broker " + id + ": " + command + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /** SIGKILL on Linux: no shutdown hook, no controlled shutdown, no flush. Waits until the JVM is gone. */
    void kill() throws InterruptedException {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        if (!running.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Broker " + id + " (pid " + running.pid() + ") survived SIGKILL");
        }
    }

    /** SIGSTOP: the JVM freezes mid-flight, its sockets stay open and its heartbeats stop. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: the frozen JVM carries on where it stopped, unaware of the time that passed. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process running = process;
        if (running == null || !running.isAlive()) {
            throw new IllegalStateException("Broker " + id + " is not running");
        }
        // The shell's builtin kill: a slim CI image may lack procps' /usr/bin/kill.
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + running.pid())
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + running.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes()));
        }
    }

    boolean isAlive() {
        Process running = process;
        return running != null && running.isAlive();
    }

    int id() {
        return id;
    }

    String address() {
        return "127.0.0.1:" + kafkaPort;
    }

    Path logFile() {
        return logFile;
    }
}
