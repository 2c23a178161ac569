package dev.lakehouse.gateway.vault.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.vault.ConnectionEvent;
import org.springframework.stereotype.Component;

/**
 * Where the vault hands over the events it records: one outbox row per event, written with the same
 * JdbcTemplate/DataSource as the vault's own rows, so it commits or rolls back with them when the vault writes in a
 * transaction. {@link WebhookDispatcher} delivers the rows afterwards, retried until the receiver takes them.
 */
@Component
public class WebhookOutbox {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** the widest each text may be in the payload (the column sizes of vault_events) */
    private static final int MAX_NAME = 64;
    private static final int MAX_SUBJECT = 255;
    private static final int MAX_TYPE = 40;
    private static final int MAX_SENTENCE = 1000;

    private final WebhookStore store;

    public WebhookOutbox(WebhookStore store) {
        this.store = store;
    }

    /** Queues the event for its tenant's webhook; nothing when the tenant has no enabled webhook, or it is queued already. */
    public void enqueue(ConnectionEvent event) {
        if (event == null || event.id() == null || event.id().isBlank() || event.id().length() > 64
                || event.tenant() == null || event.type() == null) {
            throw new IllegalArgumentException("A connection event needs an id (at most 64 characters), a tenant and a type");
        }
        store.enqueue(event.id(), event.tenant(), cut(event.type(), MAX_TYPE), payload(event), Instant.now());
    }

    /**
     * The JSON body receivers get: the event's metadata in snake_case, status in lower case, time in ISO-8601 UTC.
     * The id is also the webhook-id header.
     */
    static String payload(ConnectionEvent event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", event.id());
        body.put("type", cut(event.type(), MAX_TYPE));
        body.put("tenant", cut(event.tenant(), MAX_NAME));
        body.put("connection", cut(event.connection(), MAX_NAME));
        body.put("subject", cut(event.subject(), MAX_SUBJECT));
        body.put("status", event.status() == null ? null : event.status().wire());
        body.put("reason", cut(event.reason(), MAX_SENTENCE));
        body.put("action", cut(event.action(), MAX_SENTENCE));
        body.put("occurred_at", (event.occurredAt() == null ? Instant.now() : event.occurredAt()).toString());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An event of strings cannot fail to serialize", e);
        }
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
