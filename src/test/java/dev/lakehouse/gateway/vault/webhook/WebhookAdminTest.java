package dev.lakehouse.gateway.vault.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.vault.ConnectionEvent;
import dev.lakehouse.gateway.vault.EnvelopeCipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The webhook admin API over HTTP: PUT shows the secret once (made by the gateway or the admin's own), GET and the
 * deliveries list never show it, the database holds it sealed, the logs never carry it; DELETE removes; every bad
 * input is a 4xx {status, error, message} and stores nothing (nor changes an existing webhook).
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookAdminTest extends GatewayTestBase {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EnvelopeCipher cipher;
    @Autowired
    WebhookOutbox outbox;

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + port + "/admin" + path);
    }

    private HttpResponse<String> put(String tenant, String body) throws Exception {
        return put(tenant, body, "application/json");
    }

    private HttpResponse<String> put(String tenant, String body, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(admin("/tenants/" + tenant + "/webhook"))
                .timeout(Duration.ofSeconds(30)).header("X-Probe", "echo-me-not")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(admin(path)).header("X-Probe", "echo-me-not").GET().build());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(admin(path)).DELETE().build());
    }

    private static String tenant(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private int stored(String tenant) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM vault_webhooks WHERE tenant = ?", Integer.class, tenant);
    }

    private static void assertClientError(HttpResponse<String> response, int status, String expected) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = json(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).contains(expected);
        // never a stack trace, nor the secret that was sent
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "dev.lakehouse", "whsec_short", "hunter2", "whsec_abc");
        assertThat(response.headers().firstValue("X-Probe")).isEmpty();
    }

    @Test
    void putShowsTheSecretOnceGetNeverAndDeleteRemoves() throws Exception {
        String tenant = tenant("acme");
        HttpResponse<String> created = put(tenant, "{\"url\":\"https://hooks.example.com/lakehouse?x=1\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(created.headers().firstValue("X-Probe")).isEmpty();
        JsonNode answer = json(created.body());
        assertThat(answer.path("url").asText()).isEqualTo("https://hooks.example.com/lakehouse?x=1");
        assertThat(answer.path("enabled").asBoolean()).isTrue();
        String secret = answer.path("secret").asText();
        assertThat(WebhookSigner.isValidSecret(secret)).isTrue();
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);

        String sealed = jdbc.queryForObject("SELECT secret FROM vault_webhooks WHERE tenant = ?", String.class, tenant);
        assertThat(sealed).doesNotContain(secret).doesNotContain(secret.substring(6)).startsWith("test1:v1.");
        assertThat(cipher.openWithMasterKey(sealed, "webhook|" + tenant)).isEqualTo(secret);

        HttpResponse<String> shown = get("/tenants/" + tenant + "/webhook");
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode webhook = json(shown.body());
        assertThat(webhook.fieldNames()).toIterable().containsExactly("url", "enabled", "created_at", "updated_at");
        assertThat(shown.body()).doesNotContain(secret).doesNotContain(secret.substring(6)).doesNotContain("whsec_")
                .doesNotContain(sealed).doesNotContain("echo-me-not");
        Instant createdAt = Instant.parse(webhook.path("created_at").asText());

        // a second PUT replaces the URL and, without a secret, makes a new one (rotation); created_at stays
        HttpResponse<String> replaced = put(tenant, "{\"url\":\"http://127.0.0.1:9999/hook\",\"enabled\":false}");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(json(replaced.body()).path("secret").asText()).isNotEqualTo(secret);
        JsonNode after = json(get("/tenants/" + tenant + "/webhook").body());
        assertThat(after.path("url").asText()).isEqualTo("http://127.0.0.1:9999/hook");
        assertThat(after.path("enabled").asBoolean()).isFalse();
        assertThat(Instant.parse(after.path("created_at").asText())).isEqualTo(createdAt);

        assertThat(delete("/tenants/" + tenant + "/webhook").statusCode()).isEqualTo(204);
        assertThat(stored(tenant)).isZero();
        assertClientError(get("/tenants/" + tenant + "/webhook"), 404, "has no webhook");
        assertClientError(delete("/tenants/" + tenant + "/webhook"), 404, "has no webhook");
    }

    @Test
    void anAdminsOwnSecretIsKeptSealed() throws Exception {
        String tenant = tenant("globex");
        String own = "whsec_" + Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes());
        HttpResponse<String> created = put(tenant, "{\"url\":\"https://example.org/h\",\"secret\":\"" + own + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(json(created.body()).path("secret").asText()).isEqualTo(own);
        String sealed = jdbc.queryForObject("SELECT secret FROM vault_webhooks WHERE tenant = ?", String.class, tenant);
        assertThat(cipher.openWithMasterKey(sealed, "webhook|" + tenant)).isEqualTo(own);
    }

    @Test
    void badInputIsA4xxAndStoresNothing() throws Exception {
        String tenant = tenant("bad");
        String longUrl = "https://example.com/" + "a".repeat(WebhookAdmin.MAX_URL);
        assertClientError(put(tenant, "{\"url\":\"ftp://example.com/x\"}"), 400, "http or https");
        assertClientError(put(tenant, "{\"url\":\"javascript:alert(1)\"}"), 400, "http or https");
        assertClientError(put(tenant, "{\"url\":\"" + longUrl + "\"}"), 400, "1 to 2000 characters");
        assertClientError(put(tenant, "{\"url\":\"https://user:pw@example.com/x\"}"), 400, "no user or password");
        assertClientError(put(tenant, "{\"url\":\"https://exa mple.com/x\"}"), 400, "not a valid URL");
        assertClientError(put(tenant, "{\"url\":\"https:///nohost\"}"), 400, "host");
        assertClientError(put(tenant, "{\"url\":42}"), 400, "'url' must be a string");
        assertClientError(put(tenant, "{}"), 400, "'url' is required");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\",\"secret\":\"whsec_short\"}"), 400, "'secret' must be");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\",\"secret\":\"hunter2hunter2hunter2hunter2\"}"), 400,
                "'secret' must be");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\",\"secret\":\"whsec_"
                + Base64.getEncoder().encodeToString(new byte[16]) + "\"}"), 400, "24 to 64");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\",\"enabled\":\"yes\"}"), 400, "true or false");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\",\"events\":[]}"), 400, "Unknown field");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\", \"secret\": \"whsec_abc"), 400, "not valid JSON");
        assertClientError(put(tenant, "[\"https://example.com\"]"), 400, "JSON object");
        assertClientError(put(tenant, ""), 400, "body is required");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\"}", "text/plain"), 415, "JSON");
        assertClientError(put(tenant, "{\"url\":\"https://example.com\"}", null), 415, "JSON");
        assertThat(stored(tenant)).isZero();
        assertClientError(get("/tenants/" + tenant + "/webhook"), 404, "has no webhook");

        // bad tenant names, on every route
        for (String bad : new String[] {"-leading", "a".repeat(65), "sp%20ace", "bang!", "%C3%A9t%C3%A9"}) {
            assertClientError(put(bad, "{\"url\":\"https://example.com\"}"), 400, "tenant id must match");
            assertClientError(get("/tenants/" + bad + "/webhook"), 400, "tenant id must match");
            assertClientError(get("/tenants/" + bad + "/webhook/deliveries"), 400, "tenant id must match");
            assertClientError(delete("/tenants/" + bad + "/webhook"), 400, "tenant id must match");
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM vault_webhooks WHERE url = 'https://example.com'", Integer.class))
                .isZero();

        // a bad PUT over an existing webhook changes nothing
        String kept = tenant("kept");
        assertThat(put(kept, "{\"url\":\"https://example.com/kept\"}").statusCode()).isEqualTo(200);
        String before = get("/tenants/" + kept + "/webhook").body();
        String sealedBefore = jdbc.queryForObject("SELECT secret FROM vault_webhooks WHERE tenant = ?", String.class, kept);
        assertClientError(put(kept, "{\"url\":\"ftp://example.com/other\"}"), 400, "http or https");
        assertClientError(put(kept, "{\"url\":\"https://example.com/other\",\"secret\":\"nope\"}"), 400, "'secret' must be");
        assertThat(get("/tenants/" + kept + "/webhook").body()).isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT secret FROM vault_webhooks WHERE tenant = ?", String.class, kept))
                .isEqualTo(sealedBefore);

        assertClientError(get("/tenants/" + kept + "/webhook/deliveries?limit=0"), 400, "'limit'");
        assertClientError(get("/tenants/" + kept + "/webhook/deliveries?limit=abc"), 400, "'limit'");
        assertThat(send(HttpRequest.newBuilder(admin("/tenants/" + kept + "/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build())
                .statusCode()).isEqualTo(405);
    }

    @Test
    void theSecretNeverReachesTheLogsOrTheDeliveryList(CapturedOutput output) throws Exception {
        Logger webhookLogs = (Logger) LoggerFactory.getLogger("dev.lakehouse.gateway.vault.webhook");
        Level level = webhookLogs.getLevel();
        webhookLogs.setLevel(Level.TRACE);   // the success lines too
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answering((request, nth) -> nth == 1 ? 500 : 200);
            String tenant = tenant("quiet");
            HttpResponse<String> created = put(tenant, "{\"url\":\"" + receiver.url() + "\"}");
            String secret = json(created.body()).path("secret").asText();
            ConnectionEvent event = WebhookDeliveryTest.event(tenant);
            outbox.enqueue(event);
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received(event.id()).size() == 2);

            await().atMost(Duration.ofSeconds(5)).until(() -> json(get("/tenants/" + tenant + "/webhook/deliveries").body())
                    .path("deliveries").path(0).path("status").asText().equals("delivered"));
            HttpResponse<String> list = get("/tenants/" + tenant + "/webhook/deliveries?limit=10");
            assertThat(list.statusCode()).isEqualTo(200);
            JsonNode delivery = json(list.body()).path("deliveries").path(0);
            assertThat(delivery.path("id").asText()).isEqualTo(event.id());
            assertThat(delivery.path("type").asText()).isEqualTo("status_changed");
            assertThat(delivery.path("status").asText()).isEqualTo("delivered");
            assertThat(delivery.path("attempts").asInt()).isEqualTo(2);
            assertThat(delivery.path("last_status").asInt()).isEqualTo(200);
            assertThat(delivery.path("delivered_at").asText()).isNotBlank();
            assertThat(delivery.has("next_attempt_at")).isTrue();
            assertThat(list.body()).doesNotContain(secret).doesNotContain("payload").doesNotContain(event.reason());
            get("/tenants/" + tenant + "/webhook");

            String logs = output.getAll();
            assertThat(logs).as("the capture sees the gateway's logs").contains("webhook created tenant=" + tenant)
                    .contains("webhook attempt 1 of 4 failed id=" + event.id()).contains("webhook delivered id=" + event.id());
            assertThat(logs).doesNotContain(secret).doesNotContain(secret.substring("whsec_".length()))
                    .doesNotContain(receiver.received(event.id()).get(0).signature().substring(3))
                    .as("no payload in the logs").doesNotContain(event.reason());
        } finally {
            webhookLogs.setLevel(level);
        }
    }
}
