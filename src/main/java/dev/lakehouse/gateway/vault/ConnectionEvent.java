package dev.lakehouse.gateway.vault;

import java.time.Instant;

/**
 * One recorded incident of a connection: a status change, a rotation, a warning. Metadata only: never a secret,
 * never lakehouse data. {@code id} is unique and doubles as the webhook idempotency id.
 *
 * @param id         unique id (UUID)
 * @param tenant     the connection's tenant
 * @param connection the connection's name
 * @param subject    the Keycloak user of a per-user grant, or null for the connection itself
 * @param type       what happened: {@code created}, {@code status_changed}, {@code secret_rotated},
 *                   {@code refreshed}, {@code expiring_soon}, {@code disconnected}, {@code policy_updated}, ...
 * @param status     the status after the incident
 * @param reason     a human sentence: why
 * @param action     a human sentence: what to do next (null when nothing)
 * @param occurredAt when
 */
public record ConnectionEvent(String id, String tenant, String connection, String subject, String type,
        ConnectionStatus status, String reason, String action, Instant occurredAt) {
}
