package dev.lakehouse.gateway.vault;

/**
 * The life of a workspace connection (or of one user's grant on a per-user U2M connection):
 * {@code PENDING -> ACTIVE <-> DEGRADED -> NEEDS_REAUTH | APP_MISCONFIGURED | EXPIRED | DISCONNECTED}.
 * Only {@link #ACTIVE} and {@link #DEGRADED} serve tool calls; every other status names what a human must do.
 */
public enum ConnectionStatus {
    /** created, waiting for its first grant (U2M: the user has not consented yet) */
    PENDING,
    /** credentials work and tokens are fresh */
    ACTIVE,
    /** the last refresh failed for a passing reason (timeout, 5xx, 429); the current token still serves, retried with back-off */
    DEGRADED,
    /** the workspace refused the grant (invalid_grant: revoked, expired or already used): the user must connect again */
    NEEDS_REAUTH,
    /** the workspace refused the OAuth app or service principal (invalid_client, unauthorized_client): an admin must fix it */
    APP_MISCONFIGURED,
    /** a known hard expiry passed (PAT lifetime, service principal secret, refresh token maximum) */
    EXPIRED,
    /** an admin disconnected it: secrets destroyed */
    DISCONNECTED;

    /** Whether tool calls may use it. */
    public boolean serves() {
        return this == ACTIVE || this == DEGRADED;
    }

    /** Lower-case wire name, as the admin API and events show it. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
