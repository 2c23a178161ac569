package dev.lakehouse.gateway.vault.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.admin.AdminApi;
import dev.lakehouse.gateway.admin.AdminApiException;
import dev.lakehouse.gateway.vault.EnvelopeCipher;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The admin API of tenants' webhooks (routes/62-admin-webhooks.camel.yaml): set, show, remove a tenant's endpoint
 * and list its recent deliveries. Like {@link AdminApi}, each method leaves its answer in the variable
 * {@code adminReply} and throws {@link AdminApiException} for a client mistake, before anything is stored.
 * The signing secret is shown once, in the answer of the PUT that set it; it is stored sealed by a vault master key.
 */
@Component("webhookAdmin")
public class WebhookAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAdmin.class);
    private static final Set<String> FIELDS = Set.of("url", "secret", "enabled");
    static final int MAX_URL = 2000;
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final WebhookStore store;
    private final EnvelopeCipher cipher;

    private final dev.lakehouse.gateway.admin.AdminAccess access;

    public WebhookAdmin(WebhookStore store, EnvelopeCipher cipher, dev.lakehouse.gateway.admin.AdminAccess access) {
        this.access = access;
        this.store = store;
        this.cipher = cipher;
    }

    /** PUT /admin/tenants/{tenant}/webhook {url, secret?, enabled?}: 200 {url, enabled, secret}, the secret shown only here. */
    public void put(Exchange exchange) {
        String tenant = tenant(exchange);
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new AdminApiException(415, "Send the request body as JSON (Content-Type: application/json)");
        }
        JsonNode body = AdminApi.parse(exchange.getMessage().getBody(String.class));
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw AdminApiException.badRequest("Unknown field '" + AdminApi.shorten(field) + "'. Allowed fields: url, secret, enabled");
            }
        }
        String url = url(body.get("url"));
        String secret = secret(body.get("secret"));
        JsonNode enabledNode = body.get("enabled");
        if (enabledNode != null && !enabledNode.isNull() && !enabledNode.isBoolean()) {
            throw AdminApiException.badRequest("'enabled' must be true or false");
        }
        boolean enabled = enabledNode == null || enabledNode.isNull() || enabledNode.asBoolean();
        if (secret == null) {
            secret = WebhookSigner.newSecret();
        }
        boolean created = store.save(tenant, url, cipher.sealWithMasterKey(secret, WebhookStore.secretContext(tenant)), enabled,
                Instant.now());
        LOG.info("webhook {} tenant={} host={} enabled={}", created ? "created" : "replaced", tenant,
                URI.create(url).getHost(), enabled);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("url", url);
        answer.put("enabled", enabled);
        answer.put("secret", secret);
        answer.put("note", "The secret is shown only now; the receiver verifies the webhook-signature header with it.");
        AdminApi.reply(exchange, 200, answer, Map.of("Cache-Control", "no-store"));
    }

    /** GET /admin/tenants/{tenant}/webhook: {url, enabled, created_at, updated_at}, never the secret; 404 when none. */
    public void get(Exchange exchange) {
        String tenant = tenant(exchange);
        WebhookStore.Webhook webhook = store.find(tenant).orElseThrow(() -> noWebhook(tenant));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("url", webhook.url());
        answer.put("enabled", webhook.enabled());
        answer.put("created_at", webhook.createdAt().toString());
        answer.put("updated_at", webhook.updatedAt().toString());
        AdminApi.reply(exchange, 200, answer, Map.of());
    }

    /** DELETE /admin/tenants/{tenant}/webhook: 204; its pending deliveries are given up (kept as failed); 404 when none. */
    public void delete(Exchange exchange) {
        String tenant = tenant(exchange);
        if (!store.delete(tenant, Instant.now())) {
            throw noWebhook(tenant);
        }
        LOG.info("webhook deleted tenant={}", tenant);
        AdminApi.reply(exchange, 204, null, Map.of());
    }

    /** GET /admin/tenants/{tenant}/webhook/deliveries[?limit=n]: the most recent deliveries, newest first (no payloads). */
    public void deliveries(Exchange exchange) {
        String tenant = tenant(exchange);
        int limit = limit(exchange.getMessage().getHeader("limit", String.class));
        List<Map<String, Object>> list = new ArrayList<>();
        for (WebhookStore.Delivery d : store.deliveries(tenant, limit)) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", d.id());
            item.put("type", d.type());
            item.put("status", d.status());
            item.put("attempts", d.attempts());
            item.put("last_status", d.lastStatus());
            item.put("last_error", d.lastError());
            item.put("next_attempt_at", text(d.nextAttemptAt()));
            item.put("delivered_at", text(d.deliveredAt()));
            item.put("failed_at", text(d.failedAt()));
            item.put("created_at", text(d.createdAt()));
            list.add(item);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenant", tenant);
        answer.put("deliveries", list);
        AdminApi.reply(exchange, 200, answer, Map.of());
    }

    /**
     * The {tenant} path parameter. A syntax check only (vault tenants need not be configured in properties); once the
     * admin API has a shared tenant check for per-tenant admins ({@code AdminApi.tenantOf(Exchange)}), call it here.
     */
    /** The {tenant} the caller may act on (gateway-admin: any; tenant-admin: its own organization). */
    private String tenant(Exchange exchange) {
        return access.tenant(exchange);
    }

    private static String url(JsonNode value) {
        if (value == null || value.isNull()) {
            throw AdminApiException.badRequest("'url' is required: the http(s) URL that receives the events");
        }
        if (!value.isTextual()) {
            throw AdminApiException.badRequest("'url' must be a string");
        }
        String url = value.asText();
        if (url.isEmpty() || url.length() > MAX_URL) {
            throw AdminApiException.badRequest("'url' must be 1 to " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw AdminApiException.badRequest("'url' is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw AdminApiException.badRequest("'url' must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw AdminApiException.badRequest("'url' must name a host (http(s)://host[:port]/path)");
        }
        if (uri.getRawUserInfo() != null) {
            throw AdminApiException.badRequest("'url' must carry no user or password: the signature authenticates the gateway");
        }
        if (uri.getRawFragment() != null) {
            throw AdminApiException.badRequest("'url' must have no #fragment");
        }
        return url;
    }

    /** The admin's own secret, or null to have one made. Never echoed in an error. */
    private static String secret(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || !WebhookSigner.isValidSecret(value.asText())) {
            throw AdminApiException.badRequest("'secret' must be whsec_ followed by the base64 of " + WebhookSigner.MIN_KEY_BYTES
                    + " to " + WebhookSigner.MAX_KEY_BYTES + " random bytes (leave it out and the gateway makes one)");
        }
        return value.asText();
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw AdminApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static AdminApiException noWebhook(String tenant) {
        return new AdminApiException(404, "Tenant '" + tenant + "' has no webhook");
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

}
