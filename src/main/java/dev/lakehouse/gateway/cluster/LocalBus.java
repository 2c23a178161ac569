package dev.lakehouse.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;

/** One gateway process, no Redis: a session it does not hold has ended, and there is nobody else to tell. */
public final class LocalBus implements ClusterBus {

    private final String replicaId;

    public LocalBus(String replicaId) {
        this.replicaId = replicaId;
    }

    @Override
    public String replicaId() {
        return replicaId;
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public void sessionStarted(String sessionId, long idleSeconds) {
    }

    @Override
    public void sessionTouched(String sessionId, long idleSeconds) {
    }

    @Override
    public boolean sessionAlive(String sessionId) {
        return false;
    }

    @Override
    public void sessionEnded(String sessionId) {
    }

    @Override
    public void deliverClientResponse(String replicaId, String sessionId, String requestId, JsonNode response) {
    }

    @Override
    public void broadcastCancel(String sessionId, JsonNode requestId) {
    }

    @Override
    public void broadcastToSession(String sessionId, String message) {
    }

    @Override
    public boolean firstUse(String key, long ttlSeconds) {
        return true;
    }

    @Override
    public void askForStream(String holderReplica, String sessionId, String streamId, long afterSeq) {
    }

    @Override
    public void sendStreamPart(String toReplica, String sessionId, String streamId, StreamPart part) {
    }

    @Override
    public void listen(Listener listener) {
    }
}
