package dev.lakehouse.gateway.vault.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.lakehouse.gateway.vault.ConnectionEvent;
import dev.lakehouse.gateway.vault.EnvelopeCipher;
import dev.lakehouse.gateway.vault.VaultProperties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migrations and the webhook SQL on a real PostgreSQL 15 (127.0.0.1:5432, user postgres, trust auth): a
 * throwaway database is made, migrated by Flyway, used by the outbox and a dispatcher (a failed attempt, a retry,
 * a delivery; a claim race), and dropped. Skipped, saying why, where no PostgreSQL listens.
 */
class WebhookPostgresTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String USER = "postgres";

    @Test
    void migratesAndDeliversOnPostgres() throws Exception {
        Assumptions.assumeTrue(reachable(), "no PostgreSQL on 127.0.0.1:5432 (user postgres): skipped");
        String database = "wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("CREATE DATABASE " + database);
        try {
            DriverManagerDataSource dataSource = new DriverManagerDataSource(SERVER + database, USER, "");
            MigrateResult migrated = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            assertThat(migrated.success).isTrue();
            assertThat(Integer.parseInt(migrated.targetSchemaVersion)).isGreaterThanOrEqualTo(3);
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            exercise(jdbc);
        } finally {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private void exercise(JdbcTemplate jdbc) throws Exception {
        EnvelopeCipher cipher = new EnvelopeCipher(vaultProperties());
        WebhookStore store = new WebhookStore(jdbc);
        WebhookOutbox outbox = new WebhookOutbox(store);
        WebhookProperties properties = new WebhookProperties(Duration.ofSeconds(1), Duration.ofMillis(50),
                Duration.ofMillis(100), Duration.ofMillis(500), 3, 8);
        WebhookDispatcher dispatcher = new WebhookDispatcher(store, cipher, properties);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answering((request, nth) -> nth == 1 ? 500 : 204);
            String tenant = "pg-acme";
            String secret = WebhookSigner.newSecret();
            assertThat(store.save(tenant, receiver.url(), cipher.sealWithMasterKey(secret, WebhookStore.secretContext(tenant)),
                    true, Instant.now())).isTrue();
            assertThat(store.save(tenant, receiver.url(), cipher.sealWithMasterKey(secret, WebhookStore.secretContext(tenant)),
                    true, Instant.now())).as("replaced").isFalse();

            ConnectionEvent event = WebhookDeliveryTest.event(tenant);
            outbox.enqueue(event);
            outbox.enqueue(event);
            outbox.enqueue(WebhookDeliveryTest.event("pg-without-webhook"));
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM vault_webhook_deliveries", Integer.class)).isEqualTo(1);

            dispatcher.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> store.deliveries(tenant, 10).get(0).status().equals("delivered"));
            WebhookStore.Delivery delivered = store.deliveries(tenant, 10).get(0);
            assertThat(delivered.attempts()).isEqualTo(2);
            assertThat(delivered.lastStatus()).isEqualTo(204);
            assertThat(receiver.received(event.id())).hasSize(2).allSatisfy(r -> assertThat(
                    WebhookSigner.verify(secret, r.id(), r.timestamp(), r.signature(), r.body())).isTrue());

            // failing for good: no answer at all (discard port), three attempts
            String gone = "pg-gone";
            store.save(gone, "http://127.0.0.1:9/hook", cipher.sealWithMasterKey(WebhookSigner.newSecret(),
                    WebhookStore.secretContext(gone)), true, Instant.now());
            ConnectionEvent lost = WebhookDeliveryTest.event(gone);
            outbox.enqueue(lost);
            await().atMost(Duration.ofSeconds(15)).until(() -> store.deliveries(gone, 10).get(0).status().equals("failed"));
            assertThat(store.deliveries(gone, 10).get(0).attempts()).isEqualTo(3);
            assertThat(store.deliveries(gone, 10).get(0).lastStatus()).isNull();
        } finally {
            dispatcher.stop();
        }

        // PostgreSQL's row locks decide a claim race: one winner of eight
        String id = UUID.randomUUID().toString();
        Instant due = Instant.now().plusSeconds(3600);
        jdbc.update("INSERT INTO vault_webhook_deliveries (id, tenant, event_type, payload, attempts, next_attempt_at, "
                + "created_at) VALUES (?, 'pg-acme', 'created', '{}', 0, ?, ?)", id, due.atOffset(java.time.ZoneOffset.UTC),
                Instant.now().atOffset(java.time.ZoneOffset.UTC));
        ExecutorService racers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Optional<WebhookStore.Claim>>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = "racer-" + i;
                claims.add(() -> store.claim(id, owner, due.plusSeconds(1), due.plusSeconds(30)));   // past the stored (rounded) due
            }
            int winners = 0;
            for (Future<Optional<WebhookStore.Claim>> claim : racers.invokeAll(claims)) {
                winners += claim.get().isPresent() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            racers.shutdownNow();
        }
        assertThat(store.delete("pg-acme", Instant.now())).isTrue();
        assertThat(store.find("pg-acme")).isEmpty();
    }

    private static VaultProperties vaultProperties() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "gateway.vault.master-keys.pg1", Base64.getEncoder().encodeToString(key),
                "gateway.vault.active-key", "pg1"))).bind("gateway.vault", VaultProperties.class).get();
    }

    private static boolean reachable() {
        try (Connection ignored = DriverManager.getConnection(SERVER + "postgres", USER, "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER + "postgres", USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
