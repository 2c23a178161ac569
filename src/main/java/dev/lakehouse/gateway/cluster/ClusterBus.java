package dev.lakehouse.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What replicas of the gateway tell each other, and the little session state they share. Sessions themselves are
 * self-contained (signed ids, {@code SessionTokens}); what is shared is only whether a session is still alive (ended
 * by DELETE or idle on every replica), and the few messages that must reach the replica where a call runs: a client's
 * answer to a server request (addressed to the replica named in the request id), a cancellation (broadcast, as
 * only the replica running the call knows it) and the rest of an SSE stream a client resumed on another replica than
 * the one that holds it (asked of the holder named in the stream id, relayed back to the asker only). Nothing else is broadcast: requests go to whichever replica the load
 * balancer picks. Without Redis ({@link LocalBus}) the gateway is one process and all of this stays in memory.
 */
public interface ClusterBus {

    /** This replica's id: letters, digits, '-' and '_' (it appears in server request ids). */
    String replicaId();

    /** Whether state is shared with other replicas (Redis configured). */
    boolean shared();

    /** A session began: alive for {@code idleSeconds} unless touched again. */
    void sessionStarted(String sessionId, long idleSeconds);

    /** The session served a request on this replica: alive for another {@code idleSeconds} (called sparingly). */
    void sessionTouched(String sessionId, long idleSeconds);

    /**
     * Whether a session this replica does not hold is alive somewhere (started, not ended, not idle everywhere).
     * Single process: never (a session it does not hold has ended).
     */
    boolean sessionAlive(String sessionId);

    /** The session ended (DELETE): every replica drops it, and it is never alive again. */
    void sessionEnded(String sessionId);

    /** A client's answer to a server request of another replica, delivered to that replica. */
    void deliverClientResponse(String replicaId, String sessionId, String requestId, JsonNode response);

    /** A cancellation for a request this replica does not run: every replica checks its own calls. */
    void broadcastCancel(String sessionId, JsonNode requestId);

    /**
     * A server-initiated message for a session whose GET stream may be open on another replica: every replica that
     * has it open sends it (rare: a completed sign-in link), the others ignore it.
     */
    void broadcastToSession(String sessionId, String message);

    /**
     * Whether this is the first use of {@code key} on any replica within {@code ttlSeconds} (a 2026-07-28 requestState
     * is good for one retry). Single process: always true (the caller remembers its own uses); Redis unreachable: true.
     */
    boolean firstUse(String key, long ttlSeconds);

    /**
     * A client resumed here (Last-Event-ID) a stream that {@code holderReplica} holds: asks it to relay the events
     * after {@code afterSeq} to this replica.
     */
    void askForStream(String holderReplica, String sessionId, String streamId, long afterSeq);

    /** Relays one part of a stream to the replica that asked for it. */
    void sendStreamPart(String toReplica, String sessionId, String streamId, StreamPart part);

    /** Where messages from other replicas go (the session registry). */
    void listen(Listener listener);

    /** The receiving side of the bus. */
    interface Listener {
        void sessionEnded(String sessionId);

        void clientResponse(String sessionId, String requestId, JsonNode response);

        void cancel(String sessionId, JsonNode requestId);

        void sessionMessage(String sessionId, String message);

        /** Another replica asks for the rest of a stream this replica holds. */
        void streamAsked(String fromReplica, String sessionId, String streamId, long afterSeq);

        /** A part of a stream this replica asked for. */
        void streamPart(String sessionId, String streamId, StreamPart part);
    }
}
