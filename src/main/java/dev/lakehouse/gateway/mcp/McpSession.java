package dev.lakehouse.gateway.mcp;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One MCP session: what the client negotiated, its in-flight requests, the server-to-client requests waiting for
 * an answer, and its SSE streams. Bound to the caller that created it ({@link #owner()}).
 */
public final class McpSession {

    private final String id;
    private final String owner;
    private final String protocolVersion;
    private final JsonNode clientCapabilities;
    private final JsonNode clientInfo;
    private final Map<String, McpCall> inFlight = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> pendingClientRequests = new ConcurrentHashMap<>();
    private final Map<String, EventStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong serverRequestIds = new AtomicLong();
    private volatile EventStream standaloneStream;
    private volatile LogLevel logLevel;
    private volatile boolean initialized;
    private volatile boolean ended;
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile long lastSharedTouchNanos = System.nanoTime();

    private final String serverRequestPrefix;

    public McpSession(String id, String owner, String protocolVersion, JsonNode clientCapabilities, JsonNode clientInfo,
            String serverRequestPrefix) {
        this.serverRequestPrefix = serverRequestPrefix;
        this.id = id;
        this.owner = owner;
        this.protocolVersion = protocolVersion;
        this.clientCapabilities = clientCapabilities;
        this.clientInfo = clientInfo;
    }

    public String id() {
        return id;
    }

    /** Who created the session (tenant and subject); another caller presenting the id gets 404. */
    public String owner() {
        return owner;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public JsonNode clientInfo() {
        return clientInfo;
    }

    public boolean clientSupports(String capability) {
        return clientCapabilities != null && clientCapabilities.has(capability);
    }

    /**
     * Whether the client declared this elicitation mode ({@code form} or {@code url}). An empty {@code elicitation}
     * object means form only (2025-06-18 clients and the 2025-11-25 default).
     */
    public boolean clientSupportsElicitation(String mode) {
        return supportsElicitation(clientCapabilities, mode);
    }

    /** Whether these client capabilities (a session's, or a 2026-07-28 request's _meta) declare this elicitation mode. */
    static boolean supportsElicitation(JsonNode clientCapabilities, String mode) {
        JsonNode elicitation = clientCapabilities == null ? null : clientCapabilities.get("elicitation");
        if (elicitation == null || !elicitation.isObject()) {
            return false;
        }
        return elicitation.has(mode) || "form".equals(mode) && elicitation.isEmpty();
    }

    public LogLevel logLevel() {
        return logLevel;
    }

    public void logLevel(LogLevel level) {
        this.logLevel = level;
    }

    public boolean isInitialized() {
        return initialized;
    }

    public void markInitialized() {
        this.initialized = true;
    }

    public boolean isEnded() {
        return ended;
    }

    /** Marks the session used now; returns how long ago the bus was last told of its use. */
    long touch() {
        long now = System.nanoTime();
        lastSeenNanos = now;
        return now - lastSharedTouchNanos;
    }

    /** The bus was told of this session's use now (the registry does that at most every quarter idle timeout). */
    void sharedTouch() {
        lastSharedTouchNanos = System.nanoTime();
    }

    /** How long the session has been idle: never while it serves a request (a long call is not idleness). */
    long idleNanos() {
        return inFlight.isEmpty() ? System.nanoTime() - lastSeenNanos : 0;
    }

    /** Registers a request; false when a request with the same id is still in flight (ids must be unique). */
    boolean register(McpCall call) {
        return inFlight.putIfAbsent(call.key(), call) == null;
    }

    void unregister(McpCall call) {
        inFlight.remove(call.key(), call);
        touch();   // idleness counts from the end of the last request
    }

    McpCall inFlight(JsonNode requestId) {
        return inFlight.get(McpCall.keyOf(requestId));
    }

    String nextServerRequestId() {
        return serverRequestPrefix + serverRequestIds.incrementAndGet();
    }

    void awaitClientResponse(String requestId, CompletableFuture<JsonNode> future) {
        pendingClientRequests.put(requestId, future);
    }

    CompletableFuture<JsonNode> takeClientResponse(String requestId) {
        return pendingClientRequests.remove(requestId);
    }

    void addStream(EventStream stream) {
        streams.put(stream.id(), stream);
    }

    EventStream stream(String streamId) {
        return streams.get(streamId);
    }

    void removeStream(EventStream stream) {
        streams.remove(stream.id(), stream);
    }

    Map<String, EventStream> streams() {
        return streams;
    }

    EventStream standaloneStream() {
        return standaloneStream;
    }

    /** Server-initiated messages kept until the client opens its GET stream (at most {@link #MAX_UNDELIVERED}). */
    private final java.util.Deque<String> undelivered = new java.util.ArrayDeque<>();
    static final int MAX_UNDELIVERED = 100;

    synchronized void keepUndelivered(String json) {
        if (undelivered.size() >= MAX_UNDELIVERED) {
            undelivered.removeFirst();
        }
        undelivered.addLast(json);
    }

    synchronized java.util.List<String> takeUndelivered() {
        java.util.List<String> all = new java.util.ArrayList<>(undelivered);
        undelivered.clear();
        return all;
    }

    void standaloneStream(EventStream stream) {
        this.standaloneStream = stream;
    }

    /** Ends the session: in-flight work is cancelled, streams close, pending client requests fail. */
    void end() {
        ended = true;
        inFlight.values().forEach(McpCall::cancel);
        inFlight.clear();
        pendingClientRequests.values().forEach(f -> f.completeExceptionally(new IllegalStateException("session ended")));
        pendingClientRequests.clear();
        streams.values().forEach(EventStream::finish);
        streams.clear();
        EventStream standalone = standaloneStream;
        if (standalone != null) {
            standalone.finish();
        }
    }
}
