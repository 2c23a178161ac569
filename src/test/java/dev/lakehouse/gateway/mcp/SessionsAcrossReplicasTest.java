package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.gateway.cluster.RedisBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two session registries, as two replicas would hold them, each with its own Redis bus on the machine's Redis
 * (127.0.0.1:6379): a session begun on one is taken up by the other from its sealed id, a server-initiated message
 * reaches the GET stream open on the other, a client's answer finds the call waiting on the other, and an end on one
 * is an end on both. (The same across real processes behind HAProxy: ReplicasTest.)
 */
class SessionsAcrossReplicasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final McpProperties PROPERTIES = new McpProperties(List.of(), List.of(), 1_000_000,
            Duration.ofMinutes(5), 100, Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(10),
            Duration.ofMinutes(2), 100, Duration.ofSeconds(3), Duration.ofMinutes(1), 50, "gw", "1", "", Duration.ofSeconds(60));

    private RedisBus busA;
    private RedisBus busB;
    private SessionRegistry a;
    private SessionRegistry b;

    @BeforeEach
    void twoReplicas() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String run = HexFormat.of().toHexDigits(new SecureRandom().nextInt());
        busA = new RedisBus("redis://127.0.0.1:6379", "a" + run, Duration.ofSeconds(2), true);
        busB = new RedisBus("redis://127.0.0.1:6379", "b" + run, Duration.ofSeconds(2), true);
        a = new SessionRegistry(PROPERTIES, new SessionTokens(key, Duration.ofHours(1), Clock.systemUTC()), busA);
        b = new SessionRegistry(PROPERTIES, new SessionTokens(key.clone(), Duration.ofHours(1), Clock.systemUTC()), busB);
        // both subscribed before anything is said
        await().atMost(Duration.ofSeconds(10)).until(() -> busA.connected() && busB.connected());
    }

    @AfterEach
    void stop() {
        a.destroy();
        b.destroy();
        busA.close();
        busB.close();
    }

    @Test
    void aSessionOfOneReplicaIsServedMessagedAnsweredAndEndedOnTheOther() throws Exception {
        McpSession onA = a.create("demo/alice", "2025-11-25", JSON.readTree("{\"elicitation\":{}}"), null);
        McpSession onB = b.require(onA.id(), "demo/alice");
        assertThat(onB.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(onB.clientSupportsElicitation("form")).isTrue();
        assertThatThrownBy(() -> b.require(onA.id(), "demo/bob")).isInstanceOf(McpTransportException.class);

        // the client's GET stream is open on A; a sign-in completed on B reaches it
        SseReader get = a.openGetStream(onA, null);
        assertThat(b.notifySession(onA.id(), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/elicitation/complete\"}"))
                .as("not sent on a stream of B").isFalse();
        String delivered = read(onA.standaloneStream());
        assertThat(delivered).contains("notifications/elicitation/complete");

        // a call on A asked the client; the answer arrives on B and completes A's call
        String asked = onA.nextServerRequestId();
        assertThat(SessionRegistry.replicaOf(asked)).isEqualTo(busA.replicaId());
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        onA.awaitClientResponse(asked, answer);
        busB.deliverClientResponse(SessionRegistry.replicaOf(asked), onA.id(), asked,
                JSON.readTree("{\"result\":{\"action\":\"accept\"}}"));
        assertThat(answer.get(5, java.util.concurrent.TimeUnit.SECONDS).path("result").path("action").asText())
                .isEqualTo("accept");

        // ended on B: ended on A too, and neither takes it up again
        b.end(onB);
        await().atMost(Duration.ofSeconds(5)).until(onA::isEnded);
        assertThatThrownBy(() -> a.require(onA.id(), "demo/alice")).isInstanceOf(McpTransportException.class);
        assertThatThrownBy(() -> b.require(onA.id(), "demo/alice")).isInstanceOf(McpTransportException.class);
        assertThat(get).isNotNull();
    }

    /**
     * A POST answer's stream held by A, dropped after its first event; the client resumes with Last-Event-ID on B:
     * B relays what A still sends, under A's event ids, and ends when A's stream is done. A second resume of the
     * delivered stream, on either replica, replays nothing.
     */
    @Test
    void aStreamHeldByOneReplicaIsResumedOnTheOther() throws Exception {
        McpSession onA = a.create("demo/alice", "2025-11-25", JSON.readTree("{}"), null);
        McpSession onB = b.require(onA.id(), "demo/alice");
        EventStream answer = a.newStream(onA);
        assertThat(EventStream.replicaOf(answer.id())).isEqualTo(busA.replicaId());
        SseReader dropped = a.openPostStream(onA, answer);
        answer.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}");
        String first = readEvent(dropped);
        assertThat(first).startsWith("id: " + answer.id() + ".1\n");
        dropped.close();

        SseReader resumed = b.openGetStream(onB, answer.id() + ".1");
        answer.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":2}}");
        answer.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[]}}");
        answer.finish();
        String rest = new String(resumed.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(rest).contains("id: " + answer.id() + ".2\n").contains("\"progress\":2")
                .contains("id: " + answer.id() + ".3\n").contains("\"id\":7").doesNotContain("\"progress\":1");
        // delivered through B: A forgets the stream, and nothing is replayed again anywhere
        await().atMost(Duration.ofSeconds(5)).until(() -> onA.stream(answer.id()) == null);
        assertThat(b.openGetStream(onB, answer.id() + ".1").readAllBytes()).isEmpty();
        assertThat(a.openGetStream(onA, answer.id() + ".1").readAllBytes()).isEmpty();
    }

    /** A resume naming a replica that does not answer (it died) ends empty after the relay timeout, not never. */
    @Test
    void aResumeOfAStreamWhoseReplicaIsGoneEndsEmpty() throws Exception {
        McpSession onA = a.create("demo/alice", "2025-11-25", JSON.readTree("{}"), null);
        McpSession onB = b.require(onA.id(), "demo/alice");
        long started = System.nanoTime();
        SseReader resumed = b.openGetStream(onB, "gone-replica~abcdefghijklmnop.4");
        assertThat(resumed.readAllBytes()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    /** Reads one SSE event (up to its blank line) from a reader. */
    private static String readEvent(SseReader reader) throws java.io.IOException {
        StringBuilder event = new StringBuilder();
        int c;
        while ((c = reader.read()) != -1) {
            event.append((char) c);
            if (event.toString().endsWith("\n\n") && event.toString().startsWith("id: ") && !event.toString().contains("data: \n")) {
                return event.toString();
            }
            if (event.toString().endsWith("\n\n")) {
                event.setLength(0);
            }
        }
        return event.toString();
    }

    /** The first event of the stream, waiting up to 5 s for it (the bus delivers asynchronously). */
    private static String read(EventStream stream) throws InterruptedException {
        Object reader = new Object();
        stream.attach(reader);
        EventStream.Chunk chunk = stream.next(reader, 0, 10_000, System.nanoTime() + 5_000_000_000L);
        return chunk == null ? "" : new String(chunk.bytes(), StandardCharsets.UTF_8);
    }
}
