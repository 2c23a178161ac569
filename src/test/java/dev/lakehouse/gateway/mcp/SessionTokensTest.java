package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Self-contained session ids: what any replica may trust, and what none may. */
class SessionTokensTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] KEY = new byte[32];
    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private final Instant start = Instant.parse("2026-11-30T12:00:00Z");
    private final SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(24), Clock.fixed(start, ZoneOffset.UTC));

    @Test
    void anIdCarriesWhatTheSessionNegotiatedToAnyReplicaWithTheKey() throws Exception {
        String id = tokens.issue("demo/alice", "2025-11-25", JSON.readTree("{\"elicitation\":{\"url\":{}}}"),
                JSON.readTree("{\"name\":\"claude\",\"version\":\"1.2\",\"icons\":[\"big\"]}"));
        SessionTokens otherReplica = new SessionTokens(KEY.clone(), Duration.ofHours(24), Clock.fixed(start, ZoneOffset.UTC));
        SessionTokens.Claims claims = otherReplica.open(id, "demo/alice").orElseThrow();
        assertThat(claims.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(claims.capabilities().path("elicitation").has("url")).isTrue();
        assertThat(claims.clientInfo().path("name").asText()).isEqualTo("claude");
        assertThat(claims.clientInfo().has("icons")).as("only name and version travel").isFalse();
        assertThat(id).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+").hasSizeLessThan(SessionTokens.MAX_ID_LENGTH);
        assertThat(tokens.issue("demo/alice", "2025-11-25", null, null)).isNotEqualTo(tokens.issue("demo/alice", "2025-11-25", null, null));
    }

    @Test
    void foreignChangedStaleOrOtherPeoplesIdsAreNotSessions() throws Exception {
        String id = tokens.issue("demo/alice", "2025-11-25", JSON.createObjectNode(), null);
        assertThat(tokens.open(id, "demo/bob")).as("another caller").isEmpty();
        assertThat(tokens.open(id, "globex/alice")).as("another tenant").isEmpty();
        byte[] otherKey = KEY.clone();
        otherKey[0] = 8;
        assertThat(new SessionTokens(otherKey, Duration.ofHours(24), Clock.fixed(start, ZoneOffset.UTC)).open(id, "demo/alice"))
                .as("sealed with another key").isEmpty();
        // a payload that claims another version under the old seal
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"o\":\"x\",\"v\":\"2025-03-26\"}".getBytes()) + id.substring(id.indexOf('.'));
        assertThat(tokens.open(forged, "demo/alice")).isEmpty();
        assertThat(tokens.open(id.substring(0, id.length() - 1), "demo/alice")).isEmpty();
        assertThat(tokens.open(id + "x", "demo/alice")).isEmpty();
        assertThat(tokens.open(id.toUpperCase(), "demo/alice")).isEmpty();
        assertThat(tokens.open("no-dot", "demo/alice")).isEmpty();
        assertThat(tokens.open("a.b.c", "demo/alice")).isEmpty();
        assertThat(tokens.open("%%%.###", "demo/alice")).isEmpty();
        assertThat(tokens.open("x".repeat(5000) + ".y", "demo/alice")).isEmpty();
        assertThat(tokens.open(null, "demo/alice")).isEmpty();
        SessionTokens dayLater = new SessionTokens(KEY, Duration.ofHours(24),
                Clock.fixed(start.plus(Duration.ofHours(24)).plusSeconds(1), ZoneOffset.UTC));
        assertThat(dayLater.open(id, "demo/alice")).as("older than the maximum lifetime").isEmpty();
        assertThatThrownBy(() -> new SessionTokens(new byte[16], Duration.ofHours(1), Clock.systemUTC()))
                .hasMessageContaining("gateway.mcp.session-key");
    }
}
