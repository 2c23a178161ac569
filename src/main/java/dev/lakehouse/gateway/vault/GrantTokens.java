package dev.lakehouse.gateway.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The token lifecycle of vault grants. A call gets the grant's access token from memory while it is fresh; tokens are
 * refreshed ahead of expiry in the background (at {@code expiry - max(margin, fraction × lifetime)}, jittered), with a
 * synchronous refresh when a call finds none usable. <b>One refresh per grant across all gateway instances</b>: an
 * instance first takes the grant's lease in the database (a conditional update on the row's version), and commits the
 * new tokens only while it still holds it; the others keep serving the current token or wait for the new one. A new
 * refresh token is committed before any call uses the access token that came with it. Failures become statuses:
 * invalid_grant → NEEDS_REAUTH, invalid_client/unauthorized_client → APP_MISCONFIGURED, timeout/5xx/429 → DEGRADED
 * with back-off while the current token still serves.
 */
@Component
public class GrantTokens implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(GrantTokens.class);
    /** How often a call waiting for another instance's refresh looks again. */
    private static final long LEASE_POLL_MS = 50;
    /** A use is written to the database at most this often per grant (idleness needs minutes, not calls). */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

    private final ConnectionRepository repository;
    private final GrantSecrets secrets;
    private final WorkspaceOAuth oauth;
    private final ConnectionEvents events;
    private final VaultHosts hosts;
    private final EntraOAuth entra;
    private final GoogleOAuth google;
    private final VaultProperties properties;
    private final Clock clock;
    private final String owner = "gw-" + UUID.randomUUID().toString().substring(0, 8);

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Served>> flights = new ConcurrentHashMap<>();
    /** grant key -> the version whose access token the workspace rejected (the next call refreshes) */
    private final Map<String, Long> rejected = new ConcurrentHashMap<>();
    private ExecutorService workers;
    private ScheduledExecutorService scanner;
    private volatile boolean running;

    /**
     * A token handed to a call, the companion headers its cloud wants beside it (Azure's management token), and the
     * grant version it came from (for {@link #rejected}).
     */
    public record Served(String token, long version, Map<String, String> headers) {

        /** From the stored form of the access token (a plain token, or a {@link BearerBundle}). */
        Served(String stored, long version) {
            this(BearerBundle.decode(stored).token(), version, BearerBundle.decode(stored).headers());
        }

        @Override
        public String toString() {
            return "Served[v" + version + "]";
        }
    }

    private record Cached(String token, long version, Instant refreshDue, Instant expires, Instant checkedAt,
            Instant touchedAt, String grantId) {
    }

    /** Token refreshes by tenant and outcome ({@code gateway.vault.token.refreshes}): the 2 AM signal. */
    private final MeterRegistry meters;

    public GrantTokens(ConnectionRepository repository, GrantSecrets secrets, WorkspaceOAuth oauth,
            ConnectionEvents events, VaultHosts hosts, EntraOAuth entra, GoogleOAuth google, VaultProperties properties,
            Clock vaultClock, MeterRegistry meters) {
        this.meters = meters;
        this.entra = entra;
        this.google = google;
        this.repository = repository;
        this.secrets = secrets;
        this.oauth = oauth;
        this.events = events;
        this.hosts = hosts;
        this.properties = properties;
        this.clock = vaultClock;
    }

    /** This instance's name in refresh leases. */
    public String owner() {
        return owner;
    }

    /**
     * The token a call on connection {@code c} sends, acting for {@code subject} (the Keycloak user; used by per-user
     * connections only). Throws {@link ConnectionUnavailableException} when the connection cannot serve.
     */
    public Served accessToken(VaultConnection c, String subject) {
        try {
            Served served = tokenFor(c, subject);
            // a use keeps the grant out of idleness (background refreshes and keep-alives are not uses)
            String key = key(c, c.perUser() ? subject : VaultConnection.OWN);
            Cached cached = cache.get(key);
            if (cached != null) {
                touch(key, cached, clock.instant());
            }
            return served;
        } catch (VaultCryptoException e) {
            // tampered or moved ciphertext, or a master key removed too early: say so without any detail of the secret
            LOG.warn("stored credentials of {} cannot be opened: {}", c, e.getMessage());
            throw new ConnectionUnavailableException(c.name(), ConnectionStatus.APP_MISCONFIGURED, "The gateway cannot "
                    + "decrypt this connection's stored credentials (altered, or their master key is not configured).",
                    "An operator must check gateway.vault.master-keys; a tenant admin can rotate the secret or reconnect.");
        }
    }

    private Served tokenFor(VaultConnection c, String subject) {
        String grantSubject = c.perUser() ? subject : VaultConnection.OWN;
        String key = key(c, grantSubject);
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.checkedAt().plus(properties.cacheTtl())) && now.isBefore(cached.refreshDue())
                && !Long.valueOf(cached.version()).equals(rejected.get(key))) {
            return new Served(cached.token(), cached.version());
        }
        if (c.disconnected()) {
            throw unavailable(c, ConnectionStatus.DISCONNECTED, "It was disconnected by an admin.",
                    "A tenant admin must create the connection again.");
        }
        if (c.perUser()) {
            VaultGrant app = repository.grant(c.id(), VaultConnection.OWN).orElse(null);
            if (app != null && !app.status().serves()) {
                throw unavailable(c, app);
            }
        }
        VaultGrant grant = repository.grant(c.id(), grantSubject).orElseThrow(() -> notConnected(c, grantSubject));
        if (!grant.status().serves()) {
            throw unavailable(c, grant);
        }
        return serve(c, grant, now);
    }

    /** The workspace rejected the token of {@code version}: the next call refreshes (unless one already did). */
    public void rejected(VaultConnection c, String subject, Long version) {
        String key = key(c, c.perUser() ? subject : VaultConnection.OWN);
        cache.remove(key);
        if (version != null) {
            rejected.put(key, version);
        }
    }

    /** Forgets every cached token of a connection (disconnected, rotated). */
    public void forget(VaultConnection c) {
        String prefix = c.id() + "/";
        cache.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private Served serve(VaultConnection c, VaultGrant g, Instant now) {
        String key = key(c, g.subject());
        if (VaultConnection.PAT.equals(c.authMethod())) {
            if (g.secretExpiresAt() != null && !now.isBefore(g.secretExpiresAt())) {
                throw unavailable(c, expire(c, g, now));
            }
            Cached cached = cache.get(key);
            String token = cached != null && cached.version() == g.version() ? cached.token() : secrets.open(c, g).secret();
            remember(key, g, token, NEVER, g.secretExpiresAt() == null ? NEVER : g.secretExpiresAt(), now);
            return new Served(token, g.version());
        }
        if (usable(g, key, now)) {
            Cached cached = cache.get(key);
            String token = cached != null && cached.version() == g.version() ? cached.token() : secrets.open(c, g).accessToken();
            remember(key, g, token, g.refreshDueAt() == null ? g.accessExpiresAt() : g.refreshDueAt(), g.accessExpiresAt(), now);
            if (g.refreshDueAt() != null && !now.isBefore(g.refreshDueAt()) && g.status() == ConnectionStatus.ACTIVE) {
                refreshInBackground(c, g.subject());
            }
            return new Served(token, g.version());
        }
        return refreshNow(c, g.subject());
    }

    /** Refreshes now (single flight per grant in this instance), for a call that has no usable token. */
    Served refreshNow(VaultConnection c, String subject) {
        String key = key(c, subject);
        CompletableFuture<Served> mine = new CompletableFuture<>();
        CompletableFuture<Served> running = flights.putIfAbsent(key, mine);
        if (running != null) {
            return await(c, running);
        }
        try {
            Served served = refresh(c, subject, false);
            mine.complete(served);
            return served;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            flights.remove(key, mine);
        }
    }

    /** Starts a refresh on the vault's workers unless one runs; failures are recorded as statuses, not thrown. */
    public void refreshInBackground(VaultConnection c, String subject) {
        String key = key(c, subject);
        if (flights.containsKey(key) || workers == null) {
            return;
        }
        CompletableFuture<Served> mine = new CompletableFuture<>();
        if (flights.putIfAbsent(key, mine) != null) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    mine.complete(refresh(c, subject, true));
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                    LOG.debug("background refresh of {} ended: {}", c, e.getMessage());
                } finally {
                    flights.remove(key, mine);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            flights.remove(key, mine);
        }
    }

    private Served await(VaultConnection c, CompletableFuture<Served> running) {
        long waitMs = properties.leaseWait().toMillis() + 60_000;
        try {
            return running.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw unavailable(c, ConnectionStatus.DEGRADED, "The workspace token is being refreshed and it takes long.",
                    "Try again in a few seconds.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(c, ConnectionStatus.DEGRADED, "Interrupted while the workspace token was refreshed.",
                    "Try again.");
        }
    }

    /**
     * The fenced refresh. Re-reads the grant; if another instance refreshed meanwhile, serves its token; if another
     * holds the lease, serves the current token while it is usable or waits; else takes the lease and refreshes.
     */
    private Served refresh(VaultConnection c, String subject, boolean background) {
        Instant deadline = clock.instant().plus(properties.leaseWait());
        while (true) {
            Instant now = clock.instant();
            VaultGrant g = repository.grant(c.id(), subject).orElseThrow(() -> notConnected(c, subject));
            String key = key(c, subject);
            if (!g.status().serves()) {
                throw unavailable(c, g);
            }
            boolean usable = usable(g, key, now);
            boolean due = g.refreshDueAt() == null || !now.isBefore(g.refreshDueAt());
            boolean keepalive = background && g.keepaliveDueAt() != null && !now.isBefore(g.keepaliveDueAt());
            if (usable && !due && !keepalive) {
                String token = secrets.open(c, g).accessToken();
                remember(key, g, token, g.refreshDueAt() == null ? g.accessExpiresAt() : g.refreshDueAt(), g.accessExpiresAt(), now);
                return new Served(token, g.version());
            }
            if (!usable && !due && g.status() == ConnectionStatus.DEGRADED) {
                // backing off after passing failures: do not hammer a workspace in trouble
                throw unavailable(c, g).withDetail("retry_after_seconds",
                        Math.max(1, Duration.between(now, g.refreshDueAt()).toSeconds()));
            }
            if (g.leaseUntil() != null && now.isBefore(g.leaseUntil()) && !owner.equals(g.leaseOwner())) {
                if (usable) {
                    String token = secrets.open(c, g).accessToken();
                    return new Served(token, g.version());
                }
                if (background || now.isAfter(deadline)) {
                    throw unavailable(c, ConnectionStatus.DEGRADED, "Another gateway instance is refreshing the "
                            + "workspace token.", "Try again in a few seconds.");
                }
                sleep(LEASE_POLL_MS);
                continue;
            }
            if (!repository.claimLease(g.id(), g.version(), owner, now, now.plus(properties.leaseDuration()))) {
                continue;   // another instance wrote or leased since the read: look again
            }
            return refreshLeased(c, g, usable, key);
        }
    }

    private Served refreshLeased(VaultConnection c, VaultGrant g, boolean usable, String key) {
        GrantSecrets.Plain plain = secrets.open(c, g);
        try {
            WorkspaceOAuth.Tokens tokens = requestTokens(c, g, plain);
            Instant now = clock.instant();
            VaultGrant.Draft d = g.draft();
            String refreshToken = tokens.refreshToken() != null ? tokens.refreshToken() : plain.refreshToken();
            d.accessExpiresAt = now.plusSeconds(tokens.expiresIn());
            if (VaultConnection.U2M.equals(c.authMethod()) && tokens.refreshToken() != null
                    && !tokens.refreshToken().equals(plain.refreshToken())) {
                d.refreshExpiresAt = now.plus(refreshTokenLifetime(c));   // a rotated refresh token starts a new life
            }
            d.refreshDueAt = refreshDue(now, tokens.expiresIn());
            d.keepaliveDueAt = keepaliveDue(c, now, d.refreshExpiresAt);
            d.failures = 0;
            d.leaseOwner = null;
            d.leaseUntil = null;
            if (tokens.scope() != null) {
                d.grantedScopes = tokens.scope();
            }
            boolean recovered = g.status() != ConnectionStatus.ACTIVE;
            if (recovered) {
                d.status = ConnectionStatus.ACTIVE;
                d.statusReason = "Tokens are fresh.";
                d.statusAction = null;
                d.statusAt = now;
            }
            secrets.seal(c, d, new GrantSecrets.Plain(plain.secret(), tokens.accessToken(), refreshToken), g.version() + 1);
            VaultGrant written = d.build();
            if (!repository.write(written, owner)) {
                // the lease lapsed and another instance took over: our tokens are valid but not stored; use them once
                LOG.warn("refresh of {} committed too late (lease lost); the token is used once and not stored", c);
                return new Served(tokens.accessToken(), g.version());
            }
            rejected.remove(key);
            if (recovered) {
                events.record(c.tenant(), c.name(), g.subject(), "status_changed", ConnectionStatus.ACTIVE,
                        "The workspace issues tokens again.", null);
            }
            remember(key, bumped(written), tokens.accessToken(), d.refreshDueAt, d.accessExpiresAt, now);
            LOG.debug("refreshed {} (valid {} s)", c, tokens.expiresIn());
            countRefresh(c, "ok");
            return new Served(tokens.accessToken(), g.version() + 1);
        } catch (WorkspaceOAuth.Failure f) {
            return failed(c, g, plain, usable, key, f);
        } catch (RuntimeException e) {
            repository.releaseLease(g.id(), owner);
            throw e;
        }
    }

    private WorkspaceOAuth.Tokens requestTokens(VaultConnection c, VaultGrant g, GrantSecrets.Plain plain) {
        String base = hosts.baseUrl(c.host());
        if (VaultConnection.M2M.equals(c.authMethod())) {
            return oauth.clientCredentials(base, c.clientId(), plain.secret(), c.scopes());
        }
        if (VaultConnection.AZURE_CLIENT_SECRET.equals(c.authMethod())) {
            return entra.servicePrincipalTokens(c.azureTenantId(), c.clientId(), plain.secret(), c.azureResourceId());
        }
        if (VaultConnection.GOOGLE_CREDENTIALS.equals(c.authMethod())) {
            return google.serviceAccountTokens(plain.secret(), c.host());
        }
        if (plain.refreshToken() == null) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.INVALID_GRANT, "invalid_grant", 400, null,
                    "There is no refresh token to use");
        }
        String appSecret = plain.secret();
        if (c.perUser()) {
            VaultGrant app = repository.grant(c.id(), VaultConnection.OWN).orElse(null);
            appSecret = app == null ? null : secrets.open(c, app).secret();
        }
        return oauth.refresh(base, c.clientId(), appSecret, plain.refreshToken());
    }

    private Served failed(VaultConnection c, VaultGrant g, GrantSecrets.Plain plain, boolean usable, String key,
            WorkspaceOAuth.Failure f) {
        Instant now = clock.instant();
        VaultGrant.Draft d = g.draft();
        d.leaseOwner = null;
        d.leaseUntil = null;
        GrantSecrets.Plain kept = plain;
        switch (f.kind()) {
            case PASSING -> {
                d.status = ConnectionStatus.DEGRADED;
                d.failures = g.failures() + 1;
                Duration backoff = backoff(d.failures, f.retryAfterSeconds());
                d.refreshDueAt = now.plus(backoff);
                d.statusReason = f.getMessage() + "; retrying in " + backoff.toSeconds() + " s"
                        + (usable ? ", the current token still works until " + g.accessExpiresAt() : "") + ".";
                d.statusAction = "Nothing yet: the gateway retries. If it lasts, check the workspace's status.";
            }
            case INVALID_GRANT -> {
                d.status = ConnectionStatus.NEEDS_REAUTH;
                d.statusReason = f.getMessage() + ".";
                d.statusAction = "Connect the workspace again: sign in to Databricks from the gateway's connect page"
                        + (c.perUser() ? " (each user for their own account)." : ".");
                kept = new GrantSecrets.Plain(plain.secret(), null, null);   // a dead grant's tokens are destroyed
            }
            default -> {
                d.status = ConnectionStatus.APP_MISCONFIGURED;
                d.statusReason = f.getMessage() + ".";
                d.statusAction = VaultConnection.AZURE_CLIENT_SECRET.equals(c.authMethod())
                        ? "A tenant admin must fix the connection's Entra ID service principal as the reason says: "
                        + "rotate its client secret, or create the connection again with the right client id and tenant."
                        : VaultConnection.GOOGLE_CREDENTIALS.equals(c.authMethod())
                        ? "A tenant admin must give the connection a current key of its Google service account "
                        + "(PUT the new key JSON as the connection's secret), or connect another account."
                        : VaultConnection.M2M.equals(c.authMethod())
                        ? "A tenant admin must give the connection a valid service principal secret (rotate the secret)."
                        : "A tenant admin must fix the OAuth app of the connection (client id, secret, redirect URL).";
                kept = new GrantSecrets.Plain(plain.secret(), null, plain.refreshToken());
            }
        }
        boolean changed = d.status != g.status();
        if (changed) {
            d.statusAt = now;
        }
        secrets.seal(c, d, kept, g.version() + 1);
        VaultGrant written = d.build();
        boolean stored = repository.write(written, owner);
        LOG.warn("token refresh of {} failed: {} -> {}", c, f.error(), d.status.wire());
        countRefresh(c, "failed");
        if (stored && changed) {
            events.record(c.tenant(), c.name(), g.subject(), "status_changed", d.status, d.statusReason, d.statusAction);
        }
        cache.remove(key);
        if (d.status == ConnectionStatus.DEGRADED && usable) {
            return new Served(plain.accessToken(), stored ? g.version() + 1 : g.version());
        }
        ConnectionUnavailableException unavailable = unavailable(c, written);
        if (d.status == ConnectionStatus.DEGRADED) {
            unavailable.withDetail("retry_after_seconds", Math.max(1, Duration.between(now, d.refreshDueAt).toSeconds()));
        }
        throw unavailable;
    }

    /** Marks a grant EXPIRED (a known hard expiry passed); the fenced write makes one instance record it. */
    VaultGrant expire(VaultConnection c, VaultGrant g, Instant now) {
        VaultGrant.Draft d = g.draft();
        d.status = ConnectionStatus.EXPIRED;
        d.statusAt = now;
        boolean pat = VaultConnection.PAT.equals(c.authMethod());
        d.statusReason = pat ? "The personal access token expired at " + g.secretExpiresAt() + "."
                : g.secretExpiresAt() != null && !now.isBefore(g.secretExpiresAt())
                ? "The client secret expired at " + g.secretExpiresAt() + "."
                : "The refresh token reached its maximum lifetime at " + g.refreshExpiresAt() + ".";
        d.statusAction = pat || c.servicePrincipal()
                ? "A tenant admin must rotate the connection's secret." : "Connect the workspace again (sign in to Databricks).";
        secrets.seal(c, d, secrets.open(c, g), g.version() + 1);
        VaultGrant written = d.build();
        if (repository.write(written)) {
            events.record(c.tenant(), c.name(), g.subject(), "status_changed", ConnectionStatus.EXPIRED, d.statusReason,
                    d.statusAction);
        }
        cache.remove(key(c, g.subject()));
        return written;
    }

    // --- background: refresh ahead, keep idle grants alive, warn and expire ------------------------------------------

    /** One pass of the background refresher at {@code now} (public for tests that move the clock). */
    public int scan(Instant now) {
        List<VaultGrant> due = repository.due(now, now.plus(properties.expiryWarning()), 100);
        Map<String, VaultConnection> connections = new HashMap<>();
        int started = 0;
        for (VaultGrant g : due) {
            VaultConnection c = connections.computeIfAbsent(g.connectionId(), id -> repository.findById(id).orElse(null));
            if (c == null || c.disconnected()) {
                continue;
            }
            try {
                Instant hard = g.hardExpiry();
                if (hard != null && !now.isBefore(hard)) {
                    expire(c, g, now);
                    continue;
                }
                if (hard != null && g.expiryWarnedAt() == null && now.plus(properties.expiryWarning()).isAfter(hard)
                        && repository.markExpiryWarned(g.id(), now)) {
                    events.record(c.tenant(), c.name(), g.subject(), "expiring_soon", g.status(),
                            "A hard expiry is near: " + hard + ".", VaultConnection.PAT.equals(c.authMethod())
                                    || c.servicePrincipal()
                                    ? "Rotate the connection's secret before then." : "Sign in to Databricks again before then.");
                }
                if (VaultConnection.PAT.equals(c.authMethod()) || g.refreshDueAt() == null || now.isBefore(g.refreshDueAt())
                        && (g.keepaliveDueAt() == null || now.isBefore(g.keepaliveDueAt()))) {
                    continue;
                }
                boolean idle = VaultConnection.U2M.equals(c.authMethod()) && (g.lastUsedAt() == null
                        || g.lastUsedAt().isBefore(now.minus(properties.idleAfter())));
                if (idle && g.keepaliveDueAt() != null && now.isBefore(g.keepaliveDueAt())) {
                    deferToKeepalive(c, g);   // nobody uses it: only its refresh token needs exercise, later
                    continue;
                }
                refreshInBackground(c, g.subject());
                started++;
            } catch (RuntimeException e) {
                LOG.warn("background check of {} failed: {}", c, e.getMessage());
            }
        }
        return started;
    }

    private void deferToKeepalive(VaultConnection c, VaultGrant g) {
        VaultGrant.Draft d = g.draft();
        d.refreshDueAt = g.keepaliveDueAt();
        secrets.seal(c, d, secrets.open(c, g), g.version() + 1);
        repository.write(d.build());
    }

    @Override
    public void start() {
        workers = Executors.newFixedThreadPool(2, daemon("vault-refresh"));
        scanner = Executors.newSingleThreadScheduledExecutor(daemon("vault-scan"));
        long every = Math.max(50, properties.refreshScanInterval().toMillis());
        scanner.scheduleWithFixedDelay(() -> {
            try {
                scan(clock.instant());
            } catch (RuntimeException e) {
                LOG.warn("vault refresh scan failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (scanner != null) {
            scanner.shutdownNow();
        }
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    private boolean usable(VaultGrant g, String key, Instant now) {
        return g.accessToken() != null && g.accessExpiresAt() != null
                && now.isBefore(g.accessExpiresAt().minus(properties.expiredSkew()))
                && !Long.valueOf(g.version()).equals(rejected.get(key));
    }

    /** When to refresh a token of {@code lifetime} seconds: expiry - max(margin, fraction × lifetime), never past half-life. */
    Instant refreshDue(Instant now, long lifetimeSeconds) {
        Duration lifetime = Duration.ofSeconds(Math.max(1, lifetimeSeconds));
        Duration lead = properties.refreshMargin();
        Duration fraction = Duration.ofMillis((long) (lifetime.toMillis() * properties.refreshFraction()));
        if (fraction.compareTo(lead) > 0) {
            lead = fraction;
        }
        Duration half = lifetime.dividedBy(2);
        if (lead.compareTo(half) > 0) {
            lead = half;
        }
        long jitterBound = Math.min(properties.refreshJitter().toMillis(), lead.toMillis() / 2);
        long jitter = jitterBound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterBound);
        return now.plus(lifetime).minus(lead).minusMillis(jitter);
    }

    /**
     * When an idle U2M grant's refresh token is next exercised: keepalive-margin before it lapses, but never sooner
     * than half its remaining life (a short-lived refresh token would otherwise be exercised at every scan).
     */
    Instant keepaliveDue(VaultConnection c, Instant now, Instant refreshExpiresAt) {
        if (!VaultConnection.U2M.equals(c.authMethod()) || refreshExpiresAt == null) {
            return null;
        }
        Instant byMargin = refreshExpiresAt.minus(properties.keepaliveMargin());
        Instant halfway = now.plus(Duration.between(now, refreshExpiresAt).dividedBy(2));
        return byMargin.isAfter(halfway) ? byMargin : halfway;
    }

    Duration refreshTokenLifetime(VaultConnection c) {
        return c.refreshTokenTtlSeconds() != null ? Duration.ofSeconds(c.refreshTokenTtlSeconds())
                : properties.defaultRefreshTokenLifetime();
    }

    private Duration backoff(int failures, Long retryAfterSeconds) {
        long base = properties.degradedBackoff().toMillis();
        long wait = Math.min(properties.degradedBackoffMax().toMillis(), base << Math.min(20, Math.max(0, failures - 1)));
        wait += ThreadLocalRandom.current().nextLong(Math.max(1, wait / 5));   // spread replicas and grants
        if (retryAfterSeconds != null) {
            wait = Math.max(wait, Math.min(properties.degradedBackoffMax().toMillis(), retryAfterSeconds * 1000));
        }
        return Duration.ofMillis(wait);
    }

    private void remember(String key, VaultGrant g, String token, Instant refreshDue, Instant expires, Instant now) {
        Cached previous = cache.get(key);
        Instant touched = previous == null ? null : previous.touchedAt();
        Instant due = refreshDue == null ? now : refreshDue;
        Instant usableUntil = expires == null ? now : expires.minus(properties.expiredSkew());
        cache.put(key, new Cached(token, g.version(), due.isBefore(usableUntil) ? due : usableUntil, expires, now,
                touched, g.id()));
    }

    private void touch(String key, Cached cached, Instant now) {
        if (cached.touchedAt() != null && now.isBefore(cached.touchedAt().plus(TOUCH_EVERY))) {
            return;
        }
        cache.computeIfPresent(key, (k, c) -> new Cached(c.token(), c.version(), c.refreshDue(), c.expires(), c.checkedAt(),
                now, c.grantId()));
        repository.touch(cached.grantId(), now);
    }

    private static VaultGrant bumped(VaultGrant written) {
        VaultGrant.Draft d = written.draft();
        d.version = written.version() + 1;
        return d.build();
    }

    private static String key(VaultConnection c, String subject) {
        return c.id() + "/" + subject;
    }

    ConnectionUnavailableException unavailable(VaultConnection c, VaultGrant g) {
        return unavailable(c, g.status(), g.statusReason() == null ? "No reason recorded." : g.statusReason(),
                g.statusAction());
    }

    private static ConnectionUnavailableException unavailable(VaultConnection c, ConnectionStatus status, String reason,
            String action) {
        return new ConnectionUnavailableException(c.name(), status, reason, action);
    }

    private static ConnectionUnavailableException notConnected(VaultConnection c, String subject) {
        return c.perUser()
                ? new ConnectionUnavailableException(c.name(), ConnectionStatus.PENDING, "You have not connected your own "
                        + "Databricks account to this workspace yet (it acts on behalf of each user).",
                        "Open the gateway's connect page and sign in to Databricks.")
                : new ConnectionUnavailableException(c.name(), ConnectionStatus.PENDING, "Nobody has signed in to Databricks "
                        + "for this connection yet.", "A tenant admin must complete the connection on the gateway's connect page.");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void countRefresh(VaultConnection c, String outcome) {
        Counter.builder("gateway.vault.token.refreshes").description("workspace token refreshes by tenant and outcome")
                .tag("tenant", c.tenant()).tag("outcome", outcome).register(meters).increment();
    }
}
