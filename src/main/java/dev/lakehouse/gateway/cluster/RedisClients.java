package dev.lakehouse.gateway.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;

/** How the cluster's Redis users (the bus, the shared buckets) make their client and first reach Redis. */
final class RedisClients {

    /** How long the handshake of a new connection may take (longer than one command on a busy machine). */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_MILLIS = 1000;

    private RedisClients() {
    }

    /**
     * A client that reconnects by itself and, while disconnected, fails commands at once instead of queueing them
     * until Redis returns; each command waits at most {@code commandTimeout}.
     */
    static RedisClient create(RedisURI uri, Duration commandTimeout) {
        uri.setTimeout(CONNECT_TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout)).build());
        return client;
    }

    /**
     * Off the request path, so a gateway starts without Redis and a blackholed Redis never holds a call: runs
     * {@code attempt} on a daemon thread, once a second, until {@code done} says so; each failure goes to
     * {@code failed}. After the first success Lettuce's own reconnection takes over.
     */
    static void keepConnecting(String threadName, Runnable attempt, BooleanSupplier done, Consumer<RuntimeException> failed) {
        Thread connector = new Thread(() -> {
            while (!done.getAsBoolean()) {
                try {
                    attempt.run();
                } catch (RuntimeException e) {
                    failed.accept(e);
                    try {
                        Thread.sleep(RETRY_MILLIS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }, threadName);
        connector.setDaemon(true);
        connector.start();
    }
}
