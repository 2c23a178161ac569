package dev.lakehouse.gateway.vault.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.vault.ConnectionEvent;
import dev.lakehouse.gateway.vault.ConnectionStatus;
import dev.lakehouse.gateway.vault.EnvelopeCipher;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Delivery over real HTTP on loopback, with the test profile's timings (scan 100 ms, first back-off 200 ms, POST
 * timeout 1 s, 4 attempts): a receiver that fails (500, a timeout, no connection) gets the event on a later attempt
 * under the same webhook-id with a valid signature each time; an event nobody takes is marked failed after the last
 * attempt; tenants without an enabled webhook queue nothing; an event is queued once.
 */
class WebhookDeliveryTest extends GatewayTestBase {

    @Autowired
    WebhookOutbox outbox;
    @Autowired
    WebhookStore store;
    @Autowired
    WebhookDispatcher dispatcher;
    @Autowired
    EnvelopeCipher cipher;
    @Autowired
    JdbcTemplate jdbc;

    private String tenant(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String webhook(String tenant, String url) {
        String secret = WebhookSigner.newSecret();
        store.save(tenant, url, cipher.sealWithMasterKey(secret, WebhookStore.secretContext(tenant)), true, Instant.now());
        return secret;
    }

    static ConnectionEvent event(String tenant) {
        return new ConnectionEvent(UUID.randomUUID().toString(), tenant, "main", null, "status_changed",
                ConnectionStatus.DEGRADED, "The token endpoint answered 503", "Nothing: retried with back-off",
                Instant.now());
    }

    private WebhookStore.Delivery delivery(String tenant, String id) {
        return store.deliveries(tenant, 200).stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    }

    private WebhookStore.Delivery awaitStatus(String tenant, String id, String status) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
            WebhookStore.Delivery d = delivery(tenant, id);
            return d != null && d.status().equals(status);
        });
        return delivery(tenant, id);
    }

    private static void assertSigned(WebhookReceiver.Received request, String secret, String id) {
        assertThat(request.id()).isEqualTo(id);
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(WebhookSigner.verify(secret, request.id(), request.timestamp(), request.signature(), request.body()))
                .as("signature of the request at %s", request.at()).isTrue();
    }

    @Test
    void theDispatcherRunsWithTheApplication() {
        assertThat(dispatcher.isRunning()).isTrue();
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheEventOnTheThirdAttemptUnderTheSameId() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answering((request, nth) -> {
                if (nth == 1) {
                    return 500;
                }
                if (nth == 2) {
                    Thread.sleep(1_600);   // beyond the 1 s POST timeout
                }
                return 200;
            });
            String tenant = tenant("wh-retry");
            String secret = webhook(tenant, receiver.url());
            ConnectionEvent event = event(tenant);
            outbox.enqueue(event);

            WebhookStore.Delivery done = awaitStatus(tenant, event.id(), "delivered");
            assertThat(done.attempts()).isEqualTo(3);
            assertThat(done.lastStatus()).isEqualTo(200);
            assertThat(done.lastError()).isNull();
            assertThat(done.deliveredAt()).isNotNull();
            Thread.sleep(600);   // several scans: nothing more is sent
            List<WebhookReceiver.Received> requests = receiver.received(event.id());
            assertThat(requests).hasSize(3);
            requests.forEach(r -> assertSigned(r, secret, event.id()));
            // the same body every time, the event's metadata
            assertThat(requests.stream().map(WebhookReceiver.Received::body).distinct()).hasSize(1);
            JsonNode body = json(requests.get(0).body());
            assertThat(body.path("id").asText()).isEqualTo(event.id());
            assertThat(body.path("tenant").asText()).isEqualTo(tenant);
            assertThat(body.path("connection").asText()).isEqualTo("main");
            assertThat(body.path("status").asText()).isEqualTo("degraded");
            assertThat(body.path("type").asText()).isEqualTo("status_changed");
            assertThat(Instant.parse(body.path("occurred_at").asText())).isEqualTo(event.occurredAt());
            // the retries waited their back-off: 100-200 ms after the 500, 200-400 ms after the timeout
            assertThat(Duration.between(requests.get(0).at(), requests.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(90));
            assertThat(Duration.between(requests.get(1).at(), requests.get(2).at()))
                    .as("the timeout (1 s) and then the back-off").isGreaterThanOrEqualTo(Duration.ofMillis(1_150));
        }
    }

    @Test
    void aRefusedConnectionIsRetriedUntilTheReceiverIsUp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String tenant = tenant("wh-refused");
        String secret = webhook(tenant, "http://127.0.0.1:" + port + "/hook");
        ConnectionEvent event = event(tenant);
        outbox.enqueue(event);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> delivery(tenant, event.id()).attempts() >= 1 && delivery(tenant, event.id()).lastError() != null);
        assertThat(delivery(tenant, event.id()).lastError()).isEqualTo("connection refused or unreachable");
        assertThat(delivery(tenant, event.id()).lastStatus()).isNull();
        try (WebhookReceiver receiver = new WebhookReceiver(port)) {
            WebhookStore.Delivery done = awaitStatus(tenant, event.id(), "delivered");
            assertThat(done.attempts()).isBetween(2, 4);
            assertThat(receiver.received(event.id())).hasSize(1);
            assertSigned(receiver.received(event.id()).get(0), secret, event.id());
        }
    }

    @Test
    void afterTheLastAttemptTheDeliveryIsMarkedFailedAndKept() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answering((request, nth) -> 503);
            String tenant = tenant("wh-gone");
            webhook(tenant, receiver.url());
            ConnectionEvent event = event(tenant);
            outbox.enqueue(event);

            WebhookStore.Delivery failed = awaitStatus(tenant, event.id(), "failed");
            assertThat(failed.attempts()).isEqualTo(4);
            assertThat(failed.lastStatus()).isEqualTo(503);
            assertThat(failed.lastError()).isEqualTo("HTTP 503");
            assertThat(failed.failedAt()).isNotNull();
            assertThat(failed.nextAttemptAt()).isNull();
            assertThat(failed.deliveredAt()).isNull();
            Thread.sleep(1_200);   // past the longest back-off: no fifth attempt
            assertThat(receiver.received(event.id())).hasSize(4);
        }
    }

    @Test
    void onlyTenantsWithAnEnabledWebhookQueueAndEachEventOnce() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String none = tenant("wh-none");
            outbox.enqueue(event(none));
            assertThat(count(none)).isZero();

            String disabled = tenant("wh-off");
            store.save(disabled, receiver.url(), cipher.sealWithMasterKey(WebhookSigner.newSecret(),
                    WebhookStore.secretContext(disabled)), false, Instant.now());
            outbox.enqueue(event(disabled));
            assertThat(count(disabled)).isZero();

            String tenant = tenant("wh-once");
            webhook(tenant, receiver.url());
            ConnectionEvent event = event(tenant);
            outbox.enqueue(event);
            outbox.enqueue(event);
            assertThat(count(tenant)).isEqualTo(1);
            awaitStatus(tenant, event.id(), "delivered");
            outbox.enqueue(event);   // the vault recording the same incident again does not send it again
            Thread.sleep(400);
            assertThat(count(tenant)).isEqualTo(1);
            assertThat(receiver.received(event.id())).hasSize(1);
        }
    }

    @Test
    void aDeletedWebhookGivesUpItsPendingDeliveries() throws Exception {
        String tenant = tenant("wh-deleted");
        webhook(tenant, "http://127.0.0.1:9/hook");   // discard port: refused, retried
        ConnectionEvent event = event(tenant);
        outbox.enqueue(event);
        assertThat(store.delete(tenant, Instant.now())).isTrue();
        WebhookStore.Delivery given = awaitStatus(tenant, event.id(), "failed");
        assertThat(given.lastError()).isIn("webhook deleted", "no enabled webhook for the tenant");
    }

    private int count(String tenant) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM vault_webhook_deliveries WHERE tenant = ?", Integer.class, tenant);
    }
}
