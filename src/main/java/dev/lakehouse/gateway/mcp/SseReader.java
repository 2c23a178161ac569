package dev.lakehouse.gateway.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * The HTTP response body of an SSE stream. platform-http copies a streaming body to the servlet output stream and
 * flushes after every read, so each event reaches the client as soon as {@link #read(byte[], int, int)} returns it.
 */
public final class SseReader extends InputStream {

    private final EventStream stream;
    private final long heartbeatMillis;
    private final long deadlineNanos;
    private final Runnable onDelivered;
    private byte[] current;
    private int position;
    private long cursor;
    private boolean ended;

    SseReader(EventStream stream, long afterSeq, byte[] preamble, long heartbeatMillis, long maxLifetimeMillis,
            Runnable onDelivered) {
        this.stream = stream;
        this.cursor = afterSeq;
        this.current = preamble;
        this.heartbeatMillis = heartbeatMillis;
        this.deadlineNanos = System.nanoTime() + maxLifetimeMillis * 1_000_000L;
        this.onDelivered = onDelivered;
        stream.attach(this);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (current == null || position >= current.length) {
            if (ended) {
                return -1;
            }
            EventStream.Chunk chunk;
            try {
                chunk = stream.next(this, cursor, heartbeatMillis, deadlineNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("SSE stream interrupted");
            }
            if (chunk == null) {
                end();
                return -1;
            }
            current = chunk.bytes();
            position = 0;
            cursor = chunk.cursor();
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    private void end() {
        if (!ended) {
            ended = true;
            stream.detach(this);
            if (stream.isDelivered()) {
                onDelivered.run();
            }
        }
    }

    @Override
    public void close() {
        end();
    }
}
