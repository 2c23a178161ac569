package dev.lakehouse.gateway.vault.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.vault.ConnectionEvent;
import dev.lakehouse.gateway.vault.ConnectionStatus;
import org.junit.jupiter.api.Test;

/**
 * The signature is the Standard Webhooks one (the convention's published test vector reproduces), verifies with the
 * documented algorithm, and fails when the body, timestamp, id or secret differ or the timestamp is stale; the
 * back-off and the payload have the documented shapes.
 */
class WebhookSignerTest {

    // the Standard Webhooks specification's test vector
    private static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long VECTOR_TIMESTAMP = 1614265330L;
    private static final String VECTOR_BODY = "{\"test\": 2432232314}";
    private static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant VECTOR_NOW = Instant.ofEpochSecond(VECTOR_TIMESTAMP);
    private static final Duration TOLERANCE = WebhookSigner.DEFAULT_TOLERANCE;

    @Test
    void reproducesTheStandardWebhooksTestVector() {
        assertThat(WebhookSigner.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)).isEqualTo(VECTOR_SIGNATURE);
        assertThat(WebhookSigner.verify(VECTOR_SECRET, VECTOR_ID, "1614265330", VECTOR_SIGNATURE, VECTOR_BODY, TOLERANCE,
                VECTOR_NOW)).isTrue();
    }

    @Test
    void verifiesWithTheDocumentedAlgorithmAndFailsWhenAnythingDiffers() throws Exception {
        String secret = WebhookSigner.newSecret();
        String id = "0b8f7a52-3c1e-4a43-9d8e-6c1f2f0e8a11";
        long ts = Instant.now().getEpochSecond();
        String body = "{\"id\":\"" + id + "\",\"type\":\"status_changed\",\"status\":\"needs_reauth\"}";
        String header = WebhookSigner.sign(secret, id, ts, body);

        // the receiver's side, by hand: HMAC-SHA256 of "{id}.{timestamp}.{body}" under the base64-decoded secret
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())),
                "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + ts + "." + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(header).isEqualTo(expected);

        Instant now = Instant.ofEpochSecond(ts);
        String stamp = Long.toString(ts);
        assertThat(WebhookSigner.verify(secret, id, stamp, header, body, TOLERANCE, now)).isTrue();
        assertThat(WebhookSigner.verify(secret, id, stamp, header, body + " ", TOLERANCE, now)).as("body").isFalse();
        assertThat(WebhookSigner.verify(secret, id, stamp, header, body.replace("needs_reauth", "active"), TOLERANCE, now))
                .as("body").isFalse();
        assertThat(WebhookSigner.verify(secret, id, Long.toString(ts + 1), header, body, TOLERANCE, now)).as("timestamp").isFalse();
        assertThat(WebhookSigner.verify(secret, id + "x", stamp, header, body, TOLERANCE, now)).as("id").isFalse();
        assertThat(WebhookSigner.verify(WebhookSigner.newSecret(), id, stamp, header, body, TOLERANCE, now)).as("secret").isFalse();
        assertThat(WebhookSigner.verify(secret, id, "soon", header, body, TOLERANCE, now)).isFalse();
        assertThat(WebhookSigner.verify(secret, id, stamp, "v1,AAAA", body, TOLERANCE, now)).isFalse();
        assertThat(WebhookSigner.verify(secret, id, stamp, header.replace("v1,", "v2,"), body, TOLERANCE, now)).isFalse();
        // several signatures (a receiver rotating secrets sees two): one match is enough
        assertThat(WebhookSigner.verify(secret, id, stamp, "v1,bm9wZQ== " + header, body, TOLERANCE, now)).isTrue();
    }

    @Test
    void rejectsTimestampsOutsideTheTolerance() {
        String secret = WebhookSigner.newSecret();
        long ts = 1_800_000_000L;
        String header = WebhookSigner.sign(secret, "evt", ts, "{}");
        Instant signedAt = Instant.ofEpochSecond(ts);
        assertThat(WebhookSigner.verify(secret, "evt", Long.toString(ts), header, "{}", TOLERANCE, signedAt.plusSeconds(299)))
                .isTrue();
        assertThat(WebhookSigner.verify(secret, "evt", Long.toString(ts), header, "{}", TOLERANCE, signedAt.plusSeconds(301)))
                .as("a replay of an old request").isFalse();
        assertThat(WebhookSigner.verify(secret, "evt", Long.toString(ts), header, "{}", TOLERANCE, signedAt.minusSeconds(301)))
                .as("a timestamp from the future").isFalse();
        assertThat(WebhookSigner.verify(secret, "evt", Long.toString(ts), header, "{}", Duration.ofSeconds(10),
                signedAt.plusSeconds(11))).isFalse();
    }

    @Test
    void secretsHaveTheWhsecFormat() {
        String secret = WebhookSigner.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(WebhookSigner.newSecret()).isNotEqualTo(secret);
        assertThat(WebhookSigner.isValidSecret(secret)).isTrue();
        assertThat(WebhookSigner.isValidSecret(VECTOR_SECRET)).as("24 bytes").isTrue();
        assertThat(WebhookSigner.isValidSecret(null)).isFalse();
        assertThat(WebhookSigner.isValidSecret(secret.substring(6))).as("no prefix").isFalse();
        assertThat(WebhookSigner.isValidSecret("whsec_not base64!")).isFalse();
        assertThat(WebhookSigner.isValidSecret("whsec_" + Base64.getEncoder().encodeToString(new byte[16]))).as("short").isFalse();
        assertThat(WebhookSigner.isValidSecret("whsec_" + Base64.getEncoder().encodeToString(new byte[65]))).as("long").isFalse();
    }

    @Test
    void backoffDoublesUpToTheMaximumWithJitter() {
        Duration first = Duration.ofSeconds(5);
        Duration max = Duration.ofMinutes(1);
        assertThat(WebhookDispatcher.backoff(1, first, max, 0.0)).isEqualTo(Duration.ofMillis(2500));
        assertThat(WebhookDispatcher.backoff(1, first, max, 1.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(WebhookDispatcher.backoff(2, first, max, 1.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(WebhookDispatcher.backoff(3, first, max, 0.5)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(WebhookDispatcher.backoff(5, first, max, 1.0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(WebhookDispatcher.backoff(40, first, max, 1.0)).as("no overflow").isEqualTo(Duration.ofMinutes(1));
        assertThat(WebhookDispatcher.backoff(40, first, max, 0.0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void payloadIsTheEventsMetadataInSnakeCase() throws Exception {
        Instant at = Instant.parse("2026-03-01T10:15:30.123Z");
        ConnectionEvent event = new ConnectionEvent("e-1", "acme", "main", null, "status_changed",
                ConnectionStatus.NEEDS_REAUTH, "The workspace refused the refresh token (invalid_grant)",
                "Connect the workspace again", at);
        JsonNode payload = new ObjectMapper().readTree(WebhookOutbox.payload(event));
        assertThat(payload.fieldNames()).toIterable().containsExactly("id", "type", "tenant", "connection", "subject",
                "status", "reason", "action", "occurred_at");
        assertThat(payload.path("id").asText()).isEqualTo("e-1");
        assertThat(payload.path("type").asText()).isEqualTo("status_changed");
        assertThat(payload.path("status").asText()).isEqualTo("needs_reauth");
        assertThat(payload.path("subject").isNull()).isTrue();
        assertThat(payload.path("occurred_at").asText()).isEqualTo("2026-03-01T10:15:30.123Z");
    }
}
