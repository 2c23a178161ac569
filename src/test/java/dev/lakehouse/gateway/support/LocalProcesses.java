package dev.lakehouse.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Processes a test starts on loopback (standalone emulator, gateway replicas, HAProxy), each logging to its own
 * file under one folder, all stopped together. Gateways and the emulator run from the test's own classpath, so no
 * packaged jar is needed inside {@code mvn verify}.
 */
public final class LocalProcesses implements AutoCloseable {

    private final Path logs;
    private final List<Process> processes = new ArrayList<>();

    public LocalProcesses(Path logs) throws IOException {
        this.logs = Files.createDirectories(logs);
    }

    /** {@code java} of the JVM running the test, and its classpath: the start of a gateway or emulator command. */
    public static List<String> javaOnTestClasspath(String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return command;
    }

    /**
     * As {@link #javaOnTestClasspath} without the test classes and resources: the process configures its logging as
     * a deployed gateway does (the tests' logback-test.xml would take precedence over Spring Boot's own set-up).
     */
    public static List<String> javaOnMainClasspath(String... jvmOptions) {
        List<String> command = javaOnTestClasspath(jvmOptions);
        int classpath = command.indexOf("-cp") + 1;
        command.set(classpath, java.util.Arrays.stream(command.get(classpath).split(java.io.File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith(Path.of("target", "test-classes")))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        return command;
    }

    /** A tool of the test's JDK ({@code jcmd}, {@code jstat}). */
    public static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    public Process start(List<String> command, String name) throws IOException {
        return start(new ProcessBuilder(command), name);
    }

    /** Starts {@code builder} with its output in {@code <logs>/<name>.log}; glibc arenas capped as the Dockerfile does. */
    public Process start(ProcessBuilder builder, String name) throws IOException {
        builder.redirectErrorStream(true).redirectOutput(log(name).toFile());
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** The n-th process started (0-based). */
    public Process get(int index) {
        return processes.get(index);
    }

    /** Waits until {@code /actuator/health} on {@code port} answers 200; fails at once if a process died. */
    public void awaitHealthy(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                assertThat(process.isAlive()).as("a started process died; see " + logs).isTrue();
            }
            try {
                HttpURLConnection health = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/actuator/health")
                        .toURL().openConnection();
                health.setConnectTimeout(2000);
                health.setReadTimeout(5000);
                if (health.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("port " + port + " did not become healthy within 180 s; see " + logs);
    }

    /** SIGTERM to all, then SIGKILL to any still running after 20 s. */
    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** An empty database of that name on the machine's PostgreSQL (127.0.0.1:5432, trust auth), dropped first. */
    public static void recreatePostgresDatabase(String database) throws Exception {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            admin.createStatement().execute("CREATE DATABASE " + database);
        }
    }
}
