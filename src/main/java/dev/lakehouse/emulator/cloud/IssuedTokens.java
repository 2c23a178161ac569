package dev.lakehouse.emulator.cloud;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an emulated identity provider remembers of the tokens it issued: whose they are, the key or secret
 * generation they came from, and whether they were revoked. Workspaces consult it on every call, so a revoked
 * session or a deleted key stops working at once. Expired entries are pruned now and then.
 */
final class IssuedTokens {

    /** One issued token; {@code keyId} is the SA key that signed the assertion (Google), else null. */
    static final class Issued {
        final String subject;
        final String keyId;
        final String scope;
        final Instant expiresAt;
        volatile boolean revoked;

        Issued(String subject, String keyId, String scope, Instant expiresAt) {
            this.subject = subject;
            this.keyId = keyId;
            this.scope = scope;
            this.expiresAt = expiresAt;
        }

        boolean live(Instant now) {
            return !revoked && now.isBefore(expiresAt);
        }
    }

    private static final int PRUNE_EVERY = 500;

    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final AtomicInteger sincePrune = new AtomicInteger();

    void add(String id, Issued token) {
        if (sincePrune.incrementAndGet() >= PRUNE_EVERY) {
            sincePrune.set(0);
            Instant now = Instant.now();
            issued.values().removeIf(t -> !now.isBefore(t.expiresAt));
        }
        issued.put(id, token);
    }

    Issued find(String id) {
        return id == null ? null : issued.get(id);
    }

    /** Revokes every token of the subject not revoked yet; returns how many. */
    int revokeSubject(String subject) {
        int count = 0;
        for (Issued token : issued.values()) {
            if (!token.revoked && token.subject.equalsIgnoreCase(subject)) {
                token.revoked = true;
                count++;
            }
        }
        return count;
    }
}
