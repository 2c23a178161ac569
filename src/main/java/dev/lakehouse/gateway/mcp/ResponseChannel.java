package dev.lakehouse.gateway.mcp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Where the outcome of one client request goes. The HTTP answer is chosen lazily: a request that finishes before
 * it has anything to stream is answered with plain {@code application/json}; the first notification or
 * server-to-client request upgrades the answer to {@code text/event-stream}, which then also carries the response.
 */
public final class ResponseChannel {

    public enum Mode { UNDECIDED, JSON, STREAM }

    private final EventStream stream;
    private final CompletableFuture<Mode> decision = new CompletableFuture<>();
    private Mode mode = Mode.UNDECIDED;
    private String jsonResponse;
    private boolean closed;

    public ResponseChannel(EventStream stream) {
        this.stream = stream;
    }

    public EventStream stream() {
        return stream;
    }

    /** A message related to the request (progress, log, elicitation...). Dropped once the response went out. */
    public synchronized boolean emit(String json) {
        if (closed) {
            return false;
        }
        if (mode == Mode.UNDECIDED) {
            mode = Mode.STREAM;
            decision.complete(Mode.STREAM);
        }
        return stream.send(json);
    }

    /** Answers with an SSE stream even before there is an event (the caller needs the stream itself). */
    public synchronized void upgradeToStream() {
        if (mode == Mode.UNDECIDED && !closed) {
            mode = Mode.STREAM;
            decision.complete(Mode.STREAM);
        }
    }

    /** The JSON-RPC response; it ends the channel. */
    public synchronized void respond(String json) {
        if (closed) {
            return;
        }
        closed = true;
        if (mode == Mode.UNDECIDED) {
            mode = Mode.JSON;
            jsonResponse = json;
            stream.finish();
            decision.complete(Mode.JSON);
        } else {
            stream.send(json);
            stream.finish();
        }
    }

    /** Ends the channel without a response (the request was cancelled: MCP says send nothing). */
    public synchronized void abandon() {
        if (closed) {
            return;
        }
        closed = true;
        if (mode == Mode.UNDECIDED) {
            mode = Mode.STREAM;
            decision.complete(Mode.STREAM);
        }
        stream.finish();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Blocks the transport thread until the answer's form is known. */
    public Mode awaitDecision() throws InterruptedException {
        try {
            return decision.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public synchronized String jsonResponse() {
        return jsonResponse;
    }
}
