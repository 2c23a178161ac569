package dev.lakehouse.gateway.vault;

import java.time.Instant;

/**
 * One credential of a connection (table {@code vault_grants}); the secret fields hold ciphertexts, never plaintext.
 * Every write goes through {@link ConnectionRepository#write} fenced by {@link #version}.
 *
 * @param subject      {@link VaultConnection#OWN} for the connection's own credential, else the Keycloak user's sub
 * @param secret       ciphertext of the PAT or of the client secret (service principal, U2M app)
 * @param accessToken  ciphertext of the current OAuth access token
 * @param refreshToken ciphertext of the U2M refresh token
 */
public record VaultGrant(String id, String connectionId, String subject, String principal, String principalId,
        String grantedScopes, ConnectionStatus status, String statusReason, String statusAction, Instant statusAt,
        String secret, String accessToken, String refreshToken, Instant secretExpiresAt, Instant accessExpiresAt,
        Instant refreshExpiresAt, Instant refreshDueAt, Instant keepaliveDueAt, Instant lastUsedAt, int failures,
        String leaseOwner, Instant leaseUntil, long version, Instant expiryWarnedAt, Instant createdAt,
        Instant updatedAt) {

    /** A copy to change before {@link ConnectionRepository#write}: the fields are plain, the record stays immutable. */
    public Draft draft() {
        Draft d = new Draft();
        d.id = id;
        d.connectionId = connectionId;
        d.subject = subject;
        d.principal = principal;
        d.principalId = principalId;
        d.grantedScopes = grantedScopes;
        d.status = status;
        d.statusReason = statusReason;
        d.statusAction = statusAction;
        d.statusAt = statusAt;
        d.secret = secret;
        d.accessToken = accessToken;
        d.refreshToken = refreshToken;
        d.secretExpiresAt = secretExpiresAt;
        d.accessExpiresAt = accessExpiresAt;
        d.refreshExpiresAt = refreshExpiresAt;
        d.refreshDueAt = refreshDueAt;
        d.keepaliveDueAt = keepaliveDueAt;
        d.lastUsedAt = lastUsedAt;
        d.failures = failures;
        d.leaseOwner = leaseOwner;
        d.leaseUntil = leaseUntil;
        d.version = version;
        d.expiryWarnedAt = expiryWarnedAt;
        d.createdAt = createdAt;
        d.updatedAt = updatedAt;
        return d;
    }

    /** The mutable copy of a grant. */
    public static final class Draft {
        public String id;
        public String connectionId;
        public String subject;
        public String principal;
        public String principalId;
        public String grantedScopes;
        public ConnectionStatus status;
        public String statusReason;
        public String statusAction;
        public Instant statusAt;
        public String secret;
        public String accessToken;
        public String refreshToken;
        public Instant secretExpiresAt;
        public Instant accessExpiresAt;
        public Instant refreshExpiresAt;
        public Instant refreshDueAt;
        public Instant keepaliveDueAt;
        public Instant lastUsedAt;
        public int failures;
        public String leaseOwner;
        public Instant leaseUntil;
        public long version;
        public Instant expiryWarnedAt;
        public Instant createdAt;
        public Instant updatedAt;

        public VaultGrant build() {
            return new VaultGrant(id, connectionId, subject, principal, principalId, grantedScopes, status, statusReason, statusAction, statusAt, secret, accessToken, refreshToken, secretExpiresAt, accessExpiresAt, refreshExpiresAt, refreshDueAt, keepaliveDueAt, lastUsedAt, failures, leaseOwner, leaseUntil, version, expiryWarnedAt, createdAt, updatedAt);
        }
    }

    /** The earliest known hard expiry (secret, refresh token), or null. */
    public Instant hardExpiry() {
        if (secretExpiresAt == null) {
            return refreshExpiresAt;
        }
        return refreshExpiresAt == null || secretExpiresAt.isBefore(refreshExpiresAt) ? secretExpiresAt : refreshExpiresAt;
    }

    @Override
    public String toString() {
        return "VaultGrant[" + id + " subject=" + subject + " " + status + " v" + version + "]";
    }
}
