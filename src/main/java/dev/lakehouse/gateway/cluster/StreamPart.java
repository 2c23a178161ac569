package dev.lakehouse.gateway.cluster;

/**
 * One message of a stream relayed between replicas: a client resumed (Last-Event-ID) on one replica a stream that
 * another holds, and the holder sends it what follows. Events pass through the bus and are never stored there.
 */
public record StreamPart(Kind kind, long seq, String json) {

    public enum Kind {
        /** The holder has the stream and relays it from now on. */
        OPENED,
        /** One event, under its sequence number in the original stream. */
        EVENT,
        /** The stream is finished and fully relayed (or unknown to the holder: nothing to replay). */
        COMPLETE,
        /** The relay stopped before the end (another reader took the stream, or the holder asked the client to reconnect). */
        INTERRUPTED
    }

    public static StreamPart opened() {
        return new StreamPart(Kind.OPENED, 0, null);
    }

    public static StreamPart event(long seq, String json) {
        return new StreamPart(Kind.EVENT, seq, json);
    }

    public static StreamPart ended(boolean complete) {
        return new StreamPart(complete ? Kind.COMPLETE : Kind.INTERRUPTED, 0, null);
    }
}
