package dev.lakehouse.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One server-sent-event stream of a session: the SSE response of a POST, or the session's standalone GET stream.
 * <p>
 * Events stay in memory only until the stream is finished and a reader has delivered them, so a client whose
 * connection dropped can resume with {@code Last-Event-ID} (MCP resumability). Nothing is written to disk; the
 * session sweeps streams that nobody resumed within the resume window.
 */
public final class EventStream {

    private static final byte[] HEARTBEAT = ": keepalive\n\n".getBytes(StandardCharsets.UTF_8);

    private final String id;
    private final int capacity;
    private final Deque<Event> events = new ArrayDeque<>();
    private long nextSeq = 1;
    private boolean finished;
    private boolean delivered;
    private boolean disconnectRequested;
    private Object activeReader;
    private volatile long lastActivityNanos = System.nanoTime();

    record Event(long seq, String json) {
    }

    /**
     * A piece of bytes for the reader and the cursor it reached; {@code json} is the event's message (null for a
     * heartbeat, which keeps the cursor).
     */
    record Chunk(byte[] bytes, long cursor, String json) {
    }

    public EventStream(String id, int capacity) {
        this.id = id;
        this.capacity = capacity;
    }

    public String id() {
        return id;
    }

    String eventId(long seq) {
        return id + "." + seq;
    }

    /** Appends one JSON-RPC message; returns false once the stream is finished. Oldest events go when full. */
    public synchronized boolean send(String json) {
        if (finished) {
            return false;
        }
        if (events.size() >= capacity) {
            events.removeFirst();
        }
        events.addLast(new Event(nextSeq++, json));
        lastActivityNanos = System.nanoTime();
        notifyAll();
        return true;
    }

    /**
     * Appends an event relayed from the replica that holds the original stream, under the original's sequence
     * number (so the ids a client sees are the same as if it had read there); an event already seen is ignored.
     */
    synchronized void sendRelayed(long seq, String json) {
        if (finished || seq < nextSeq) {
            return;
        }
        nextSeq = seq;
        send(json);
    }

    /** No more events will come; readers drain what is left and then end. */
    public synchronized void finish() {
        finished = true;
        lastActivityNanos = System.nanoTime();
        notifyAll();
    }

    /**
     * Ends the current reader's connection while the stream stays open (SSE polling, SEP-1699): the client
     * reconnects with GET and Last-Event-ID after the advertised retry delay and receives the rest.
     */
    public synchronized void disconnectReader() {
        disconnectRequested = true;
        notifyAll();
    }

    public synchronized boolean isFinished() {
        return finished;
    }

    /** Finished and every event handed to a reader: the stream can be forgotten. */
    public synchronized boolean isDelivered() {
        return delivered;
    }

    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    /** Attaches a new reader; a previous reader of this stream ends (a client only resumes a stream it lost). */
    synchronized void attach(Object reader) {
        activeReader = reader;
        notifyAll();
    }

    synchronized void detach(Object reader) {
        if (activeReader == reader) {
            activeReader = null;
        }
    }

    /**
     * Blocks until there is something for {@code reader} after {@code cursor}: the next event, a heartbeat after
     * {@code heartbeatMillis} of silence, or null when the reader must end (stream done, replaced, deadline passed,
     * disconnect requested).
     */
    synchronized Chunk next(Object reader, long cursor, long heartbeatMillis, long deadlineNanos) throws InterruptedException {
        long silentSince = System.nanoTime();
        while (true) {
            if (activeReader != reader) {
                return null;
            }
            for (Event event : events) {
                if (event.seq() > cursor) {
                    lastActivityNanos = System.nanoTime();
                    return new Chunk(format(event), event.seq(), event.json());
                }
            }
            if (finished) {
                delivered = true;
                events.clear();
                return null;
            }
            if (disconnectRequested) {
                disconnectRequested = false;
                activeReader = null;
                return null;
            }
            long now = System.nanoTime();
            if (now - deadlineNanos >= 0) {
                return null;
            }
            long heartbeatDue = silentSince + heartbeatMillis * 1_000_000L;
            if (now - heartbeatDue >= 0) {
                return new Chunk(HEARTBEAT, cursor, null);
            }
            long waitNanos = Math.min(heartbeatDue - now, deadlineNanos - now);
            wait(Math.max(1, waitNanos / 1_000_000L));
        }
    }

    private byte[] format(Event event) {
        return ("id: " + eventId(event.seq()) + "\nevent: message\ndata: " + event.json() + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The priming event of 2025-11-25: an id to resume from and a reconnection delay, with empty data. */
    byte[] primingEvent(long retryMillis) {
        return ("id: " + eventId(0) + "\nretry: " + retryMillis + "\ndata: \n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@code <streamId>.<seq>} from a Last-Event-ID header; null when it is not one of ours. */
    static long[] parseSeq(String lastEventId, String expectedStreamId) {
        if (lastEventId == null || !lastEventId.startsWith(expectedStreamId + ".")) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(lastEventId.substring(expectedStreamId.length() + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The replica that holds a stream: stream ids begin with its id and {@code ~} ({@link SessionRegistry}), so a
     * Last-Event-ID arriving at another replica says where the rest of the stream is. Null when it names none.
     */
    static String replicaOf(String streamId) {
        int tilde = streamId == null ? -1 : streamId.indexOf('~');
        return tilde <= 0 ? null : streamId.substring(0, tilde);
    }

    static String streamIdOf(String lastEventId) {
        int dot = lastEventId == null ? -1 : lastEventId.lastIndexOf('.');
        return dot <= 0 ? null : lastEventId.substring(0, dot);
    }
}
