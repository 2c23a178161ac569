package dev.lakehouse.gateway.mcp;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.gateway.cluster.ClusterBus;
import dev.lakehouse.gateway.cluster.StreamPart;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The MCP sessions this gateway replica holds. Session ids are self-contained and sealed ({@link SessionTokens}), so
 * a replica that has not seen a session yet takes it up from its id, once the cluster bus says it is alive (one Redis
 * round trip, the first time only); a session answers only to the owner that created it. Ending a session (DELETE)
 * ends it on every replica; idleness ends it where it was idle, and everywhere once no replica has served it for
 * the idle timeout. Messages for a call of another replica (a client's answer, a cancellation) go over the bus, and
 * so does the rest of an SSE stream a client resumes (Last-Event-ID) on another replica than the one that holds it:
 * stream ids name their replica, which relays the events after the client's cursor to the replica it reconnected to.
 */
@Component("mcpSessions")
public class SessionRegistry implements DisposableBean, ClusterBus.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, McpSession> sessions = new ConcurrentHashMap<>();
    private final McpProperties properties;
    private final SessionTokens tokens;
    private final ClusterBus bus;
    /** How often a replica tells the bus a session is in use: a quarter of the idle timeout. */
    private final long touchEveryNanos;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mcp-session-sweeper");
        t.setDaemon(true);
        return t;
    });
    /** Relays of streams this replica holds to replicas where their clients resumed them: one thread per relay. */
    private final ExecutorService relays = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mcp-stream-relay");
        t.setDaemon(true);
        return t;
    });
    /** Streams asked of another replica that has not answered yet, by stream id. */
    private final Map<String, EventStream> awaitedRelays = new ConcurrentHashMap<>();

    public SessionRegistry(McpProperties properties, SessionTokens tokens, ClusterBus bus) {
        this.properties = properties;
        this.tokens = tokens;
        this.bus = bus;
        this.touchEveryNanos = properties.sessionIdleTimeout().toNanos() / 4;
        bus.listen(this);
        long period = Math.max(1, Math.min(60, properties.sessionIdleTimeout().toSeconds() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.SECONDS);
    }

    public static String randomId(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    public McpSession create(String owner, String protocolVersion, JsonNode capabilities, JsonNode clientInfo) {
        if (sessions.size() >= properties.maxSessions()) {
            sweep();
            if (sessions.size() >= properties.maxSessions()) {
                throw new JsonRpcException(JsonRpcErrors.INTERNAL_ERROR,
                        "The gateway holds its maximum number of sessions; retry later");
            }
        }
        McpSession session = new McpSession(tokens.issue(owner, protocolVersion, capabilities, clientInfo), owner,
                protocolVersion, capabilities, clientInfo, serverRequestPrefix());
        sessions.put(session.id(), session);
        bus.sessionStarted(session.id(), idleSeconds());
        LOG.debug("session opened for {} ({} sessions)", owner, sessions.size());
        return session;
    }

    /**
     * The session for a request: 400 when the header is missing, 404 when unknown, ended, expired or owned by
     * someone else (indistinguishable on purpose).
     */
    public McpSession require(String sessionId, String caller) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new McpTransportException(400, JsonRpcErrors.TRANSPORT_ERROR,
                    "Bad Request: Mcp-Session-Id header is required (send initialize first)");
        }
        McpSession session = sessions.get(sessionId);
        if (session == null) {
            session = takeUp(sessionId, caller);
        }
        if (session == null || session.isEnded() || !session.owner().equals(caller)) {
            throw new McpTransportException(404, JsonRpcErrors.TRANSPORT_ERROR,
                    "Session not found: it ended or expired; initialize a new session");
        }
        if (session.touch() > touchEveryNanos) {
            session.sharedTouch();
            bus.sessionTouched(session.id(), idleSeconds());
        }
        return session;
    }

    /** A session begun on another replica (or idle here before): from its sealed id, when the bus says it lives. */
    private McpSession takeUp(String sessionId, String caller) {
        SessionTokens.Claims claims = tokens.open(sessionId, caller).orElse(null);
        if (claims == null || !bus.sessionAlive(sessionId)) {
            return null;
        }
        McpSession session = new McpSession(sessionId, caller, claims.protocolVersion(), claims.capabilities(),
                claims.clientInfo(), serverRequestPrefix());
        session.markInitialized();
        McpSession raced = sessions.putIfAbsent(sessionId, session);
        return raced == null ? session : raced;
    }

    /** Server request ids name this replica, so a client's answer arriving elsewhere finds its way back. */
    private String serverRequestPrefix() {
        return "srv-" + bus.replicaId() + "-";
    }

    /** The replica a server request id names, or null when it is not one of ours. */
    static String replicaOf(String serverRequestId) {
        if (serverRequestId == null || !serverRequestId.startsWith("srv-")) {
            return null;
        }
        int last = serverRequestId.lastIndexOf('-');
        return last <= 4 ? null : serverRequestId.substring(4, last);
    }

    private long idleSeconds() {
        return Math.max(1, properties.sessionIdleTimeout().toSeconds());
    }

    /** The cluster bus: a client's answer or a cancellation for a call of another replica travels over it. */
    public ClusterBus bus() {
        return bus;
    }

    @Override
    public void sessionEnded(String sessionId) {
        McpSession session = sessions.remove(sessionId);
        if (session != null) {
            session.end();
        }
    }

    @Override
    public void clientResponse(String sessionId, String requestId, JsonNode response) {
        McpSession session = sessions.get(sessionId);
        var waiting = session == null ? null : session.takeClientResponse(requestId);
        if (waiting != null) {
            waiting.complete(response);
        }
    }

    @Override
    public void sessionMessage(String sessionId, String message) {
        McpSession session = sessions.get(sessionId);
        EventStream stream = session == null ? null : session.standaloneStream();
        if (stream != null) {
            stream.send(message);
        }
    }

    /**
     * A server-initiated message for a session by id, wherever its GET stream is open: here when it is open here,
     * else through the bus to the replica that has it (when none has, it waits here for the client's next GET, or,
     * with replicas, is lost: such messages are hints, e.g. a completed sign-in, and the client's retry works anyway).
     * True when it was sent on an open stream of this replica.
     */
    public boolean notifySession(String sessionId, String message) {
        McpSession local = sessionId == null ? null : sessions.get(sessionId);
        if (local != null && local.standaloneStream() != null && sendUnsolicited(local, message)) {
            return true;
        }
        if (sessionId != null && bus.shared()) {
            bus.broadcastToSession(sessionId, message);
            return false;
        }
        if (local != null && !local.isEnded()) {
            sendUnsolicited(local, message);
        }
        return false;
    }

    @Override
    public void cancel(String sessionId, JsonNode requestId) {
        cancelHere(sessionId, requestId);
    }

    /** Cancels the session's in-flight request if it runs on this replica (never initialize); false when it does not. */
    public boolean cancelHere(String sessionId, JsonNode requestId) {
        McpSession session = sessions.get(sessionId);
        McpCall call = session == null ? null : session.inFlight(requestId);
        if (call == null || "initialize".equals(call.message().method())) {
            return false;
        }
        LOG.debug("cancelling request {} ({})", requestId, call.message().method());
        call.cancel();
        return true;
    }

    /** DELETE: the session ends here and on every replica, for good. */
    public void end(McpSession session) {
        drop(session);
        bus.sessionEnded(session.id());
    }

    /** This replica forgets the session (others may still serve it until it is idle everywhere). */
    private void drop(McpSession session) {
        sessions.remove(session.id(), session);
        session.end();
    }

    public int size() {
        return sessions.size();
    }

    /** Opens the SSE stream that carries the answer to one POSTed request. */
    public EventStream newStream(McpSession session) {
        EventStream stream = new EventStream(newStreamId(), properties.streamBufferEvents());
        if (session != null) {
            session.addStream(stream);
        }
        return stream;
    }

    /**
     * The reader for a GET: with Last-Event-ID, the rest of the stream it names (only a stream of this session);
     * without, the session's standalone stream for server-initiated messages.
     */
    public SseReader openGetStream(McpSession session, String lastEventId) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            String streamId = EventStream.streamIdOf(lastEventId);
            long[] seq = streamId == null ? null : EventStream.parseSeq(lastEventId, streamId);
            EventStream stream = seq == null ? null : session.stream(streamId);
            if (stream == null && seq != null) {
                stream = relayFromHolder(session, streamId, seq[0]);
            }
            if (stream == null) {
                // unknown, finished and delivered, or someone else's: nothing to replay; end at once
                EventStream empty = new EventStream(newStreamId(), 1);
                empty.finish();
                return new SseReader(empty, 0, null, heartbeatMillis(), 0, () -> { });
            }
            EventStream resumed = stream;
            return new SseReader(resumed, seq[0], null, heartbeatMillis(),
                    properties.getStreamMaxLifetime().toMillis(), () -> session.removeStream(resumed));
        }
        EventStream standalone = new EventStream(newStreamId(), properties.streamBufferEvents());
        session.takeUndelivered().forEach(standalone::send);
        EventStream previous = session.standaloneStream();
        session.standaloneStream(standalone);
        if (previous != null) {
            previous.finish();
        }
        byte[] priming = ProtocolVersions.supportsPrimingEvents(session.protocolVersion())
                ? standalone.primingEvent(properties.sseRetry().toMillis()) : null;
        return new SseReader(standalone, 0, priming, heartbeatMillis(), properties.getStreamMaxLifetime().toMillis(),
                () -> { });
    }

    /** Stream ids begin with the replica that holds the stream, so a resume elsewhere knows whom to ask. */
    private String newStreamId() {
        return bus.replicaId() + "~" + randomId(12);
    }

    /**
     * A stream of this session held by another replica (the client reconnected through the load balancer): a local
     * stream of the same id that the holder fills over the bus from {@code afterSeq} on. Null when the id names no
     * other replica, or without a shared bus. When the holder does not answer within the relay timeout (it died),
     * the stream ends empty, as a resume of an unknown stream does.
     */
    private EventStream relayFromHolder(McpSession session, String streamId, long afterSeq) {
        String holder = EventStream.replicaOf(streamId);
        if (!bus.shared() || holder == null || holder.equals(bus.replicaId())) {
            return null;
        }
        EventStream relayed = new EventStream(streamId, properties.streamBufferEvents());
        session.addStream(relayed);
        awaitedRelays.put(streamId, relayed);
        bus.askForStream(holder, session.id(), streamId, afterSeq);
        sweeper.schedule(() -> {
            if (awaitedRelays.remove(streamId, relayed)) {
                LOG.warn("replica {} did not relay a resumed stream within {}; the client's resume ends empty",
                        holder, properties.streamRelayTimeout());
                session.removeStream(relayed);
                relayed.finish();
            }
        }, properties.streamRelayTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return relayed;
    }

    /** The holder's side: relays the rest of a stream of one of its sessions to the replica where it was resumed. */
    @Override
    public void streamAsked(String fromReplica, String sessionId, String streamId, long afterSeq) {
        McpSession session = sessions.get(sessionId);
        EventStream stream = session == null ? null : session.stream(streamId);
        if (stream == null) {
            bus.sendStreamPart(fromReplica, sessionId, streamId, StreamPart.ended(true));
            return;
        }
        relays.execute(() -> relay(fromReplica, session, stream, afterSeq));
    }

    /**
     * Reads the stream as a client's reader would (taking it from any previous reader) and sends every event to the
     * replica that asked; ends when the stream is delivered, another reader takes it, or the stream's lifetime passes.
     */
    private void relay(String toReplica, McpSession session, EventStream stream, long afterSeq) {
        Object reader = new Object();
        stream.attach(reader);
        bus.sendStreamPart(toReplica, session.id(), stream.id(), StreamPart.opened());
        long deadline = System.nanoTime() + properties.getStreamMaxLifetime().toNanos();
        long cursor = afterSeq;
        try {
            EventStream.Chunk chunk;
            while ((chunk = stream.next(reader, cursor, heartbeatMillis(), deadline)) != null) {
                if (chunk.json() != null) {
                    bus.sendStreamPart(toReplica, session.id(), stream.id(), StreamPart.event(chunk.cursor(), chunk.json()));
                    cursor = chunk.cursor();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stream.detach(reader);
            boolean complete = stream.isDelivered();
            if (complete) {
                session.removeStream(stream);
            }
            bus.sendStreamPart(toReplica, session.id(), stream.id(), StreamPart.ended(complete));
        }
    }

    /** The asker's side: what the holder relays goes into the local stream the client reads. */
    @Override
    public void streamPart(String sessionId, String streamId, StreamPart part) {
        McpSession session = sessions.get(sessionId);
        EventStream relayed = session == null ? null : session.stream(streamId);
        if (relayed == null) {
            return;
        }
        awaitedRelays.remove(streamId, relayed);
        switch (part.kind()) {
            case OPENED -> { }
            case EVENT -> relayed.sendRelayed(part.seq(), part.json());
            case COMPLETE -> relayed.finish();
            case INTERRUPTED -> {
                // the client reconnects and asks again, wherever it lands; what arrived so far is delivered first
                session.removeStream(relayed);
                relayed.disconnectReader();
            }
        }
    }

    /** The reader for the SSE answer of a POST; the stream is forgotten once fully delivered. */
    public SseReader openPostStream(McpSession session, EventStream stream) {
        byte[] priming = session != null && ProtocolVersions.supportsPrimingEvents(session.protocolVersion())
                ? stream.primingEvent(properties.sseRetry().toMillis()) : null;
        return new SseReader(stream, 0, priming, heartbeatMillis(), Long.MAX_VALUE / 4_000_000L,
                () -> { if (session != null) { session.removeStream(stream); } });
    }

    /**
     * Sends a server-initiated message on the session's GET stream; without an open one, the message waits for the
     * client's next GET (a client between two GET connections does not lose it). False when it had to wait.
     */
    public boolean sendUnsolicited(McpSession session, String json) {
        EventStream stream = session.standaloneStream();
        if (stream != null && stream.send(json)) {
            return true;
        }
        session.keepUndelivered(json);
        return false;
    }

    private long heartbeatMillis() {
        return properties.heartbeatInterval().toMillis();
    }

    void sweep() {
        long idleLimit = properties.sessionIdleTimeout().toNanos();
        long resumeWindow = properties.streamResumeWindow().toNanos();
        sessions.values().forEach(session -> {
            if (session.idleNanos() > idleLimit) {
                LOG.debug("session expired after {} idle", properties.sessionIdleTimeout());
                drop(session);
                return;
            }
            // finished streams nobody came back for: drop their buffered events (zero retention)
            session.streams().values().removeIf(s -> s.isFinished() && s.idleNanos() > resumeWindow);
        });
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        relays.shutdownNow();
        sessions.values().forEach(McpSession::end);
        sessions.clear();
    }
}
