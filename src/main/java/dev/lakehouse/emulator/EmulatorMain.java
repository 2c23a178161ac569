package dev.lakehouse.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Runs the emulator on its own, without a Spring context: {@code emulator.*} settings come from an
 * optional properties file (first argument) overlaid with {@code -Demulator.*} system properties,
 * bound with Spring Boot's Binder so the keys and formats match the embedded mode exactly.
 */
public final class EmulatorMain {

    private EmulatorMain() { }

    public static void main(String[] args) throws InterruptedException {
        quietLogging();
        EmulatorServer server = start(args);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "emulator-shutdown"));
        System.out.println("Databricks workspace emulator is running (Ctrl+C to stop):");
        server.workspaces().forEach(ws -> System.out.println("  " + ws.name() + "  " + ws.url()
                + "  (workspace id " + ws.settings().workspaceId() + ")"));
        stopped.await();
    }

    /** Loads the settings and starts the emulator; the caller owns the returned server. */
    public static EmulatorServer start(String[] args) {
        return new EmulatorServer(load(args)).start();
    }

    static EmulatorProperties load(String[] args) {
        Map<String, String> values = new HashMap<>();
        if (args.length > 0) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                file.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read emulator properties from " + args[0], e);
            }
            file.stringPropertyNames().forEach(k -> values.put(k, file.getProperty(k)));
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("emulator."))
                .forEach(k -> values.put(k, System.getProperty(k)));
        Binder binder = new Binder(new MapConfigurationPropertySource(values));
        return binder.bind("emulator", Bindable.of(EmulatorProperties.class)).orElseGet(EmulatorProperties::new);
    }

    /** Unconfigured logback logs at DEBUG; without Spring's defaults keep the console at INFO. */
    private static void quietLogging() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
