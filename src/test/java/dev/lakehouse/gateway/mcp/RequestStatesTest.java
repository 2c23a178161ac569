package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

/** requestState sealing: what opens, and every way a state is refused (tampered, foreign, other request, stale, reused). */
class RequestStatesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private final MovableClock clock = new MovableClock();
    private final RequestStates states = new RequestStates(KEY, Duration.ofMinutes(10), clock);

    private static JsonNode args(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static ObjectNode answers() {
        ObjectNode answers = JSON.createObjectNode();
        answers.putObject("input-1").put("action", "accept").putObject("content").put("confirm", true);
        return answers;
    }

    private static void assertRefused(Runnable open, String why) {
        assertThatThrownBy(open::run).isInstanceOf(JsonRpcException.class)
                .satisfies(e -> assertThat(((JsonRpcException) e).code()).isEqualTo(JsonRpcErrors.INVALID_PARAMS))
                .hasMessageContaining(why);
    }

    @Test
    void aSealedStateOpensOnceForItsCallerToolAndArguments() throws Exception {
        String state = states.seal("alice", "tools/call", "start_cluster", args("{\"b\":2,\"a\":1}"), answers(), 1);
        // the same arguments in another order are the same arguments
        RequestStates.Opened opened = states.open(state, "alice", "tools/call", "start_cluster", args("{\"a\":1,\"b\":2}"));
        assertThat(opened.round()).isEqualTo(1);
        assertThat(opened.answers().path("input-1").path("content").path("confirm").asBoolean()).isTrue();
        assertRefused(() -> states.open(state, "alice", "tools/call", "start_cluster", argsUnchecked("{\"a\":1,\"b\":2}")),
                "used already");
    }

    @Test
    void everyForeignOrChangedStateIsRefused() throws Exception {
        JsonNode arguments = args("{\"cluster_id\":\"c1\"}");
        String state = states.seal("alice", "tools/call", "start_cluster", arguments, answers(), 1);
        assertRefused(() -> states.open(state, "bob", "tools/call", "start_cluster", arguments), "another caller");
        assertRefused(() -> states.open(state, "alice", "tools/call", "terminate_cluster", arguments), "another request");
        assertRefused(() -> states.open(state, "alice", "tools/call", "start_cluster", argsUnchecked("{\"cluster_id\":\"c2\"}")),
                "arguments differ");
        // one character of the payload changed
        char[] chars = state.toCharArray();
        chars[5] = chars[5] == 'A' ? 'B' : 'A';
        assertRefused(() -> states.open(new String(chars), "alice", "tools/call", "start_cluster", arguments), "signature");
        // sealed under another key
        byte[] otherKey = new byte[32];
        Arrays.fill(otherKey, (byte) 9);
        String foreign = new RequestStates(otherKey, Duration.ofMinutes(10), clock)
                .seal("alice", "tools/call", "start_cluster", arguments, answers(), 1);
        assertRefused(() -> states.open(foreign, "alice", "tools/call", "start_cluster", arguments), "signature");
        for (String garbage : new String[] {"", "x", "a.b.c", "%%%.###", "e30.e30"}) {
            assertRefused(() -> states.open(garbage, "alice", "tools/call", "start_cluster", arguments), "requestState refused");
        }
        // the refusals above did not use the state up: it still opens, once
        assertThat(states.open(state, "alice", "tools/call", "start_cluster", arguments).answers().has("input-1")).isTrue();
    }

    @Test
    void aStaleStateIsRefused() throws Exception {
        JsonNode arguments = args("{}");
        String state = states.seal("alice", "tools/call", "start_cluster", arguments, answers(), 2);
        clock.advance(Duration.ofMinutes(11));
        assertRefused(() -> states.open(state, "alice", "tools/call", "start_cluster", arguments), "expired");
    }

    @Test
    void aShortKeyIsRefusedAtStartup() {
        assertThatThrownBy(() -> new RequestStates(new byte[16], Duration.ofMinutes(10), clock))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("too short");
    }

    private static JsonNode argsUnchecked(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
