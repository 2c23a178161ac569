package dev.lakehouse.gateway.vault.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.vault.ConnectionEvent;
import dev.lakehouse.gateway.vault.EnvelopeCipher;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Several gateway instances over one database: three dispatchers (each with its own store, lease owner and thread,
 * as replicas have) compete for the same outbox. Every event reaches the receiver once, never twice at the same
 * time; a claim is won by exactly one of many racers; the writes of an instance whose lease lapsed are refused, and
 * the event is sent again by another.
 */
class WebhookConcurrencyTest extends GatewayTestBase {

    @Autowired
    WebhookOutbox outbox;
    @Autowired
    WebhookStore store;
    @Autowired
    EnvelopeCipher cipher;
    @Autowired
    WebhookProperties properties;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    WebhookDispatcher dispatcher;

    private String webhook(String tenant, String url) {
        String secret = WebhookSigner.newSecret();
        store.save(tenant, url, cipher.sealWithMasterKey(secret, WebhookStore.secretContext(tenant)), true, Instant.now());
        return secret;
    }

    private WebhookDispatcher anotherInstance(WebhookProperties timings) {
        return new WebhookDispatcher(new WebhookStore(jdbc), cipher, timings);
    }

    @Test
    void threeInstancesDeliverEachEventOnceAndNeverConcurrently() throws Exception {
        // three instances of our own, with a POST timeout that a loaded build machine does not reach (a timed-out POST
        // the receiver did get is rightly sent again, which would blur "once"); the application's one pauses meanwhile
        WebhookProperties patient = new WebhookProperties(Duration.ofSeconds(20), properties.scanInterval(),
                properties.firstBackoff(), properties.maxBackoff(), properties.maxAttempts(), properties.maxInFlight());
        List<WebhookDispatcher> instances = List.of(anotherInstance(patient), anotherInstance(patient), anotherInstance(patient));
        dispatcher.stop();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answering((request, nth) -> {
                Thread.sleep(ThreadLocalRandom.current().nextInt(30));
                return 200;
            });
            String tenant = "wh-race-" + UUID.randomUUID().toString().substring(0, 8);
            String secret = webhook(tenant, receiver.url());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ConnectionEvent event = WebhookDeliveryTest.event(tenant);
                ids.add(event.id());
                outbox.enqueue(event);
            }
            instances.forEach(WebhookDispatcher::start);   // all at once, on a full outbox
            await().atMost(Duration.ofSeconds(30)).until(() -> store.deliveries(tenant, 200).stream()
                    .allMatch(d -> d.status().equals("delivered")));
            Thread.sleep(300);   // a few more scans of all three: nothing is sent again

            Map<String, Long> perId = receiver.received().stream()
                    .collect(Collectors.groupingBy(WebhookReceiver.Received::id, Collectors.counting()));
            assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(perId.values()).allMatch(n -> n == 1);
            assertThat(receiver.mostOpenOfOneId()).isEqualTo(1);
            assertThat(store.deliveries(tenant, 200)).allMatch(d -> d.attempts() == 1);
            receiver.received().forEach(r -> assertThat(WebhookSigner.verify(secret, r.id(), r.timestamp(),
                    r.signature(), r.body())).isTrue());
        } finally {
            instances.forEach(WebhookDispatcher::stop);
            dispatcher.start();
        }
    }

    @Test
    void ofManyInstancesRacingForOneDeliveryExactlyOneWinsTheClaim() throws Exception {
        String tenant = "wh-claim-" + UUID.randomUUID().toString().substring(0, 8);
        webhook(tenant, "http://127.0.0.1:9/never-due");
        ExecutorService racers = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                String id = UUID.randomUUID().toString();
                // due in the future, so the running dispatchers leave it alone; the racers claim "later"
                Instant due = Instant.now().plusSeconds(3600);
                jdbc.update("INSERT INTO vault_webhook_deliveries (id, tenant, event_type, payload, attempts, "
                        + "next_attempt_at, created_at) VALUES (?, ?, 'created', '{}', 0, ?, ?)", id, tenant,
                        due.atOffset(java.time.ZoneOffset.UTC), Instant.now().atOffset(java.time.ZoneOffset.UTC));
                Instant later = due.plusSeconds(1);
                List<Callable<Optional<WebhookStore.Claim>>> claims = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    WebhookStore racer = new WebhookStore(jdbc);
                    String owner = "racer-" + round + "-" + i;
                    claims.add(() -> racer.claim(id, owner, later, later.plusSeconds(30)));
                }
                long winners = 0;
                for (Future<Optional<WebhookStore.Claim>> result : racers.invokeAll(claims)) {
                    winners += result.get().isPresent() ? 1 : 0;
                }
                assertThat(winners).as("round %d", round).isEqualTo(1);
                assertThat(jdbc.queryForObject("SELECT attempts FROM vault_webhook_deliveries WHERE id = ?", Integer.class, id))
                        .isEqualTo(1);
            }
        } finally {
            racers.shutdownNow();
        }
    }

    @Test
    void aLapsedLeaseIsTakenOverAndTheStaleOwnersWritesAreRefused() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String tenant = "wh-lease-" + UUID.randomUUID().toString().substring(0, 8);
            String secret = webhook(tenant, receiver.url());
            String id = UUID.randomUUID().toString();
            // whole milliseconds: the database keeps microseconds and may round a nanosecond instant up past itself
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            // an instance claims it and "dies" mid-POST: its lease runs out in 300 ms
            // inserted as not yet due, so the running dispatcher cannot claim it before the "dead" instance does
            Instant notYet = now.plusSeconds(60);
            jdbc.update("INSERT INTO vault_webhook_deliveries (id, tenant, event_type, payload, attempts, next_attempt_at, "
                    + "created_at) VALUES (?, ?, 'created', ?, 0, ?, ?)", id, tenant, "{\"id\":\"" + id + "\"}",
                    notYet.atOffset(java.time.ZoneOffset.UTC), now.atOffset(java.time.ZoneOffset.UTC));
            WebhookStore.Claim stale = store.claim(id, "dead-instance-1", notYet, now.plusMillis(300)).orElseThrow();
            jdbc.update("UPDATE vault_webhook_deliveries SET next_attempt_at = ? WHERE id = ?",
                    now.atOffset(java.time.ZoneOffset.UTC), id);
            Thread.sleep(150);
            assertThat(receiver.received(id)).as("nobody sends while the lease holds").isEmpty();

            await().atMost(Duration.ofSeconds(10)).until(() -> store.deliveries(tenant, 10).get(0).status().equals("delivered"));
            assertThat(receiver.received(id)).hasSize(1);
            assertThat(WebhookSigner.verify(secret, id, receiver.received(id).get(0).timestamp(),
                    receiver.received(id).get(0).signature(), receiver.received(id).get(0).body())).isTrue();
            assertThat(store.deliveries(tenant, 10).get(0).attempts()).as("the lost attempt counts").isEqualTo(2);

            // the stale instance comes back: whatever it writes is refused
            assertThat(store.retry(stale, 500, "HTTP 500", Instant.now())).isFalse();
            assertThat(store.failed(stale, 500, "HTTP 500", Instant.now())).isFalse();
            assertThat(store.delivered(stale, 200, Instant.now())).isFalse();
            assertThat(store.deliveries(tenant, 10).get(0).status()).isEqualTo("delivered");
        }
    }
}
