package dev.lakehouse.gateway.vault.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP endpoint on loopback (the JDK's HTTP server) that receives webhooks: it records every request (headers
 * and raw body), answers as the test's {@link Behaviour} says (a status, after a pause if the test wants a timeout),
 * and measures how many requests of one webhook-id are open at once.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String id, String timestamp, String signature, String contentType, String body, Instant at) {
    }

    /** The answer to the n-th request (1-based) of one webhook-id; may sleep to make the sender time out. */
    interface Behaviour {
        int status(Received request, int nth) throws InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> perId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> openPerId = new ConcurrentHashMap<>();
    private final AtomicInteger mostOpenOfOneId = new AtomicInteger();
    private volatile Behaviour behaviour = (request, nth) -> 200;

    WebhookReceiver() throws IOException {
        this(0);
    }

    WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.setExecutor(pool);   // the default runs one request at a time: a sleeping answer would hold up the rest
        server.createContext("/hook", this::handle);
        server.start();
    }

    WebhookReceiver answering(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String id) {
        return received.stream().filter(r -> id.equals(r.id())).toList();
    }

    int mostOpenOfOneId() {
        return mostOpenOfOneId.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var headers = exchange.getRequestHeaders();
        Received request = new Received(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                headers.getFirst("webhook-signature"), headers.getFirst("Content-Type"), body, Instant.now());
        String id = String.valueOf(request.id());
        received.add(request);
        int nth = perId.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        int open = openPerId.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        mostOpenOfOneId.accumulateAndGet(open, Math::max);
        try {
            int status = behaviour.status(request, nth);
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException senderGaveUp) {
            // the sender timed out and closed the connection while we slept
        } finally {
            openPerId.get(id).decrementAndGet();
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
