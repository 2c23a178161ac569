package dev.lakehouse.emulator.cloud;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.UUID;

/**
 * An app registration (service principal) of an emulated Entra tenant with its one client secret. The object id
 * is new for every registration, so a token of a deleted app never matches an app re-registered under the same id.
 */
public final class EntraApp {

    private final String tenantId;
    private final String clientId;
    private final String objectId = UUID.randomUUID().toString();
    private final boolean contributor;
    private volatile String secret;
    /** Null: the secret never expires. */
    private volatile Instant secretExpiresAt;

    EntraApp(String tenantId, String clientId, String secret, Instant secretExpiresAt, boolean contributor) {
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.secret = secret;
        this.secretExpiresAt = secretExpiresAt;
        this.contributor = contributor;
    }

    public String tenantId() { return tenantId; }
    public String clientId() { return clientId; }
    public String objectId() { return objectId; }
    /** Holds the Contributor role on the Azure workspace resource: Azure Databricks adds such an SP on first use. */
    public boolean contributor() { return contributor; }
    public String secret() { return secret; }
    public Instant secretExpiresAt() { return secretExpiresAt; }

    boolean secretMatches(String candidate) {
        String current = secret;
        return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8),
                current.getBytes(StandardCharsets.UTF_8));
    }

    boolean secretExpired(Instant now) {
        Instant expiresAt = secretExpiresAt;
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public synchronized void replaceSecret(String newSecret, Instant expiresAt) {
        this.secret = newSecret;
        this.secretExpiresAt = expiresAt;
    }

    public void expireSecret() {
        this.secretExpiresAt = Instant.now().minusSeconds(1);
    }
}
