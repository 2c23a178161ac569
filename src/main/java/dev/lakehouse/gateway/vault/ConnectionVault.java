package dev.lakehouse.gateway.vault;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.lakehouse.gateway.ratelimit.RateLimitPolicy;
import dev.lakehouse.gateway.ratelimit.RateLimitProperties;
import dev.lakehouse.gateway.tenant.TenantProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What tenant admins do with vault connections: create (credentials validated against the workspace before anything
 * is stored), read, change policy, rotate a secret, disconnect; and what tool calls need: a tenant's connections,
 * cached for {@code gateway.vault.cache-ttl} so status changes made by other replicas show within that time.
 */
@Component
public class ConnectionVault implements VaultDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionVault.class);
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final int MAX_SECRET = 4000;

    private final ConnectionRepository repository;
    private final EnvelopeCipher cipher;
    private final GrantSecrets secrets;
    private final WorkspaceOAuth oauth;
    private final EntraOAuth entra;
    private final GoogleOAuth google;
    private final TokenFederation federation;
    private final VaultHosts hosts;
    private final GrantTokens tokens;
    private final ConnectionEvents events;
    private final VaultProperties properties;
    private final Clock clock;
    private final Map<String, Snapshot> byTenant = new ConcurrentHashMap<>();

    private record Snapshot(List<VaultConnection> connections, Instant readAt) {
    }

    /** What a new connection is; secrets are plaintext here only until sealed. */
    public record NewConnection(String name, String host, String auth, String grantOwner, String token, String clientId,
            String clientSecret, String scopes, Long refreshTokenTtlSeconds, Instant secretExpiresAt, boolean isDefault,
            String defaultWarehouse, boolean readOnly, Map<String, TenantProperties.Exposure> exposure,
            RateLimitPolicy rateLimitPolicy, Map<String, RateLimitProperties.Family> rateLimits, String azureTenantId,
            String azureResourceId, String federationAudience) {
        @Override
        public String toString() {
            return "NewConnection[" + name + " " + host + " " + auth + "]";
        }
    }

    /** A policy change: null fields stay as they are. */
    public record PolicyChange(Boolean isDefault, String defaultWarehouse, Boolean readOnly,
            Map<String, TenantProperties.Exposure> exposure, RateLimitPolicy rateLimitPolicy,
            Map<String, RateLimitProperties.Family> rateLimits) {
    }

    public ConnectionVault(ConnectionRepository repository, EnvelopeCipher cipher, GrantSecrets secrets,
            WorkspaceOAuth oauth, EntraOAuth entra, GoogleOAuth google, TokenFederation federation, VaultHosts hosts,
            GrantTokens tokens, ConnectionEvents events, VaultProperties properties, Clock vaultClock) {
        this.federation = federation;
        this.entra = entra;
        this.google = google;
        this.repository = repository;
        this.cipher = cipher;
        this.secrets = secrets;
        this.oauth = oauth;
        this.hosts = hosts;
        this.tokens = tokens;
        this.events = events;
        this.properties = properties;
        this.clock = vaultClock;
    }

    // --- for tool calls ------------------------------------------------------------------------------------------

    /** A tenant's live (not disconnected) connections, from a short-lived cache. */
    @Override
    public List<VaultConnection> connections(String tenant) {
        Instant now = clock.instant();
        Snapshot snapshot = byTenant.get(tenant);
        if (snapshot == null || !now.isBefore(snapshot.readAt().plus(properties.cacheTtl()))) {
            snapshot = new Snapshot(repository.list(tenant).stream().filter(c -> !c.disconnected()).toList(), now);
            byTenant.put(tenant, snapshot);
        }
        return snapshot.connections();
    }

    @Override
    public String baseUrl(String storedHost) {
        return hosts.baseUrl(storedHost);
    }

    /** The cloud a connection's workspace runs on (told by its host name). */
    public WorkspaceCloud cloud(VaultConnection c) {
        return hosts.cloud(c.host());
    }

    // --- for admins ------------------------------------------------------------------------------------------------

    /** Validates the credentials against the workspace, then stores the connection; 400 with the reason otherwise. */
    public VaultConnection create(String tenant, NewConnection n, String actor) {
        if (n.name() == null || !NAME.matcher(n.name()).matches()) {
            throw new VaultRequestException(400, "name must match [A-Za-z0-9][A-Za-z0-9_-]{0,63}");
        }
        Optional<VaultConnection> existing = repository.find(tenant, n.name());
        if (existing.isPresent() && !existing.get().disconnected()) {
            throw new VaultRequestException(409, "Tenant '" + tenant + "' already has a connection named '" + n.name() + "'");
        }
        if (repository.count(tenant) >= properties.maxConnectionsPerTenant()) {
            throw new VaultRequestException(400, "Tenant '" + tenant + "' has the most connections allowed ("
                    + properties.maxConnectionsPerTenant() + "); disconnect one first");
        }
        String host;
        try {
            host = hosts.normalize(n.host());
        } catch (IllegalArgumentException e) {
            throw new VaultRequestException(400, e.getMessage());
        }
        String auth = n.auth() == null ? "" : n.auth();
        String grantOwner = VaultConnection.U2M.equals(auth) ? (n.grantOwner() == null ? VaultConnection.PER_USER : n.grantOwner())
                : VaultConnection.FEDERATION.equals(auth) ? VaultConnection.PER_USER : VaultConnection.SHARED;
        if (!VaultConnection.SHARED.equals(grantOwner) && !VaultConnection.PER_USER.equals(grantOwner)) {
            throw new VaultRequestException(400, "grant must be shared or per-user");
        }
        if (n.federationAudience() != null && !VaultConnection.FEDERATION.equals(auth)) {
            throw new VaultRequestException(400, "federation_audience is for oauth-federation connections only");
        }
        Instant now = clock.instant();
        String base = requestBaseUrl(host);
        Validated validated = switch (auth) {
            case VaultConnection.PAT -> validatePat(base, required(n.token(), "token"));
            case VaultConnection.M2M -> validateM2m(base, required(n.clientId(), "client_id"),
                    required(n.clientSecret(), "client_secret"), n.scopes());
            case VaultConnection.U2M -> validateU2mApp(base, required(n.clientId(), "client_id"));
            case VaultConnection.AZURE_CLIENT_SECRET -> validateAzure(host, base, required(n.clientId(), "client_id"),
                    required(n.clientSecret(), "client_secret"), n.azureTenantId(), n.azureResourceId());
            case VaultConnection.GOOGLE_CREDENTIALS -> validateGoogle(host, base, required(n.clientSecret(), "google_credentials"), null);
            case VaultConnection.FEDERATION -> validateFederation(base, n);
            default -> throw new VaultRequestException(400,
                    "auth must be pat, oauth-m2m, oauth-u2m, azure-client-secret, google-credentials or oauth-federation");
        };
        String id = UUID.randomUUID().toString();
        EnvelopeCipher.DataKey dataKey = cipher.newDataKey(tenant, id);
        String clientId = validated.clientId() != null ? validated.clientId() : n.clientId();
        VaultConnection c = new VaultConnection(id, tenant, n.name(), host, auth, grantOwner, clientId, n.scopes(),
                n.refreshTokenTtlSeconds(), n.isDefault(), n.defaultWarehouse(), n.readOnly(), n.exposure(),
                n.rateLimitPolicy(), n.rateLimits(), dataKey.wrapped(), dataKey.kid(), null, actor, now, now, 0,
                validated.azureTenantId(), n.azureResourceId(), n.federationAudience());
        VaultGrant.Draft d = newGrant(c, VaultConnection.OWN, now);
        d.secretExpiresAt = n.secretExpiresAt();
        String secret = VaultConnection.PAT.equals(auth) ? n.token() : n.clientSecret();
        String access = null;
        if (validated.tokens() != null) {
            access = validated.tokens().accessToken();
            d.accessExpiresAt = now.plusSeconds(validated.tokens().expiresIn());
            d.refreshDueAt = tokens.refreshDue(now, validated.tokens().expiresIn());
            d.grantedScopes = validated.tokens().scope();
        }
        if (validated.me() != null) {
            d.principal = validated.me().userName();
            d.principalId = validated.me().id();
        }
        boolean waitsForUser = VaultConnection.U2M.equals(auth);
        d.status = waitsForUser && !c.perUser() ? ConnectionStatus.PENDING : ConnectionStatus.ACTIVE;
        d.statusReason = waitsForUser ? (c.perUser() ? "Each user connects their own Databricks account."
                : "Waiting for someone to sign in to Databricks for the tenant.")
                : c.federated() ? "Each user's own token is exchanged for a Databricks token (token federation, "
                + "audience '" + federation.audienceOf(c) + "')."
                : "Credentials validated as " + d.principal + ".";
        d.statusAction = waitsForUser ? "Sign in to Databricks on the gateway's connect page." : null;
        secrets.seal(c, d, new GrantSecrets.Plain(secret, access, null), 0);
        VaultGrant grant = d.build();
        repository.transactions().executeWithoutResult(tx -> {
            existing.ifPresent(old -> repository.delete(old.id()));
            if (n.isDefault()) {
                clearDefault(tenant);
            }
            repository.insert(c);
            repository.insert(grant);
            events.record(tenant, c.name(), null, "created", grant.status(), grant.statusReason(), grant.statusAction());
        });
        byTenant.remove(tenant);
        LOG.info("connection {}/{} created ({}, {})", tenant, c.name(), auth, grantOwner);
        return c;
    }

    /** Stores a U2M grant obtained through the connect page (issue 10): the user's own or the tenant's shared one. */
    public VaultGrant storeGrant(VaultConnection c, String subject, WorkspaceOAuth.Tokens t, WorkspaceOAuth.Me me) {
        Instant now = clock.instant();
        String grantSubject = c.perUser() ? subject : VaultConnection.OWN;
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<VaultGrant> current = repository.grant(c.id(), grantSubject);
            GrantSecrets.Plain old = current.map(g -> secrets.open(c, g)).orElse(new GrantSecrets.Plain(null, null, null));
            VaultGrant.Draft d = current.map(VaultGrant::draft).orElseGet(() -> newGrant(c, grantSubject, now));
            d.principal = me.userName();
            d.principalId = me.id();
            d.grantedScopes = t.scope();
            d.accessExpiresAt = now.plusSeconds(t.expiresIn());
            d.refreshExpiresAt = t.refreshToken() == null ? null : now.plus(tokens.refreshTokenLifetime(c));
            d.refreshDueAt = tokens.refreshDue(now, t.expiresIn());
            d.keepaliveDueAt = tokens.keepaliveDue(c, now, d.refreshExpiresAt);
            d.failures = 0;
            d.expiryWarnedAt = null;
            ConnectionStatus before = current.map(VaultGrant::status).orElse(null);
            d.status = ConnectionStatus.ACTIVE;
            d.statusAt = now;
            d.statusReason = "Signed in to Databricks as " + me.userName() + ".";
            d.statusAction = null;
            long version = current.map(g -> g.version() + 1).orElse(0L);
            secrets.seal(c, d, new GrantSecrets.Plain(old.secret(), t.accessToken(), t.refreshToken()), version);
            VaultGrant grant = d.build();
            boolean stored = current.isPresent() ? repository.write(grant) : insertIfAbsent(grant);
            if (stored) {
                forgetTokens(c);
                boolean first = before == null || before == ConnectionStatus.PENDING;
                events.record(c.tenant(), c.name(), grantSubject, first ? "connected" : "reconnected",
                        ConnectionStatus.ACTIVE, d.statusReason, null);
                return grant;
            }
        }
        throw new VaultRequestException(409, "The connection changed at the same time; try again");
    }

    /** The U2M app's client secret (null for a public app), for a code exchange. */
    public String appSecret(VaultConnection c) {
        return repository.grant(c.id(), VaultConnection.OWN).map(g -> secrets.open(c, g).secret()).orElse(null);
    }

    public List<VaultConnection> list(String tenant) {
        return repository.list(tenant);
    }

    public VaultConnection get(String tenant, String name) {
        return repository.find(tenant, name).orElseThrow(() -> notFound(tenant, name));
    }

    public List<VaultGrant> grants(VaultConnection c) {
        return repository.grants(c.id());
    }

    public List<ConnectionEvent> events(String tenant, String name, int limit) {
        get(tenant, name);
        return repository.events(tenant, name, limit);
    }

    public VaultConnection update(String tenant, String name, PolicyChange change) {
        for (int attempt = 0; attempt < 5; attempt++) {
            VaultConnection c = live(tenant, name);
            VaultConnection changed = new VaultConnection(c.id(), c.tenant(), c.name(), c.host(), c.authMethod(),
                    c.grantOwner(), c.clientId(), c.scopes(), c.refreshTokenTtlSeconds(),
                    change.isDefault() != null ? change.isDefault() : c.isDefault(),
                    change.defaultWarehouse() != null ? change.defaultWarehouse() : c.defaultWarehouse(),
                    change.readOnly() != null ? change.readOnly() : c.readOnly(),
                    change.exposure() != null ? change.exposure() : c.exposure(),
                    change.rateLimitPolicy() != null ? change.rateLimitPolicy() : c.rateLimitPolicy(),
                    change.rateLimits() != null ? change.rateLimits() : c.rateLimits(), c.dataKey(), c.dataKeyKid(),
                    null, c.createdBy(), c.createdAt(), clock.instant(), c.revision(), c.azureTenantId(), c.azureResourceId(), c.federationAudience());
            boolean[] stored = {false};
            repository.transactions().executeWithoutResult(tx -> {
                if (Boolean.TRUE.equals(change.isDefault())) {
                    clearDefault(tenant);
                }
                stored[0] = repository.update(changed);
                if (stored[0]) {
                    events.record(tenant, name, null, "policy_updated", ownStatus(c), "The connection's policy changed.", null);
                }
            });
            if (stored[0]) {
                byTenant.remove(tenant);
                return repository.find(tenant, name).orElseThrow();
            }
        }
        throw new VaultRequestException(409, "The connection changed at the same time; try again");
    }

    /** A new PAT or client secret, validated against the workspace before it replaces the old one. */
    public VaultGrant rotate(String tenant, String name, String secret, Instant secretExpiresAt) {
        VaultConnection c = live(tenant, name);
        String base = requestBaseUrl(c.host());
        Validated validated = switch (c.authMethod()) {
            case VaultConnection.PAT -> validatePat(base, required(secret, "token"));
            case VaultConnection.M2M -> validateM2m(base, c.clientId(), required(secret, "client_secret"), c.scopes());
            case VaultConnection.AZURE_CLIENT_SECRET -> validateAzure(c.host(), base, c.clientId(),
                    required(secret, "client_secret"), c.azureTenantId(), c.azureResourceId());
            case VaultConnection.GOOGLE_CREDENTIALS -> validateGoogle(c.host(), base, required(secret, "google_credentials"),
                    c.clientId());
            case VaultConnection.FEDERATION -> throw new VaultRequestException(400,
                    "An oauth-federation connection holds no secret: it exchanges each user's own token");
            default -> new Validated(null, null);   // a U2M app secret is proven by the next refresh or sign-in
        };
        for (int attempt = 0; attempt < 5; attempt++) {
            Instant now = clock.instant();
            VaultGrant g = repository.grant(c.id(), VaultConnection.OWN).orElseThrow(() -> notFound(tenant, name));
            GrantSecrets.Plain old = secrets.open(c, g);
            VaultGrant.Draft d = g.draft();
            d.secretExpiresAt = secretExpiresAt;
            d.expiryWarnedAt = null;
            d.failures = 0;
            String access = old.accessToken();
            if (validated.tokens() != null) {
                access = validated.tokens().accessToken();
                d.accessExpiresAt = now.plusSeconds(validated.tokens().expiresIn());
                d.refreshDueAt = tokens.refreshDue(now, validated.tokens().expiresIn());
            }
            if (validated.me() != null) {
                d.principal = validated.me().userName();
                d.principalId = validated.me().id();
            }
            boolean revive = g.status() == ConnectionStatus.EXPIRED || g.status() == ConnectionStatus.APP_MISCONFIGURED
                    || g.status() == ConnectionStatus.DEGRADED;
            if (revive && !VaultConnection.U2M.equals(c.authMethod())) {
                d.status = ConnectionStatus.ACTIVE;
                d.statusAt = now;
                d.statusReason = "Credentials validated as " + d.principal + ".";
                d.statusAction = null;
            } else if (g.status() == ConnectionStatus.APP_MISCONFIGURED) {
                d.status = c.perUser() ? ConnectionStatus.ACTIVE : ConnectionStatus.NEEDS_REAUTH;
                d.statusAt = now;
                d.statusReason = "The OAuth app's secret was replaced.";
                d.statusAction = c.perUser() ? null : "Sign in to Databricks again on the gateway's connect page.";
            }
            secrets.seal(c, d, new GrantSecrets.Plain(secret, access, old.refreshToken()), g.version() + 1);
            VaultGrant written = d.build();
            if (repository.write(written)) {
                forgetTokens(c);
                events.record(tenant, name, null, "secret_rotated", written.status(), "The connection's secret was replaced.",
                        written.statusAction());
                return written;
            }
        }
        throw new VaultRequestException(409, "The connection changed at the same time; try again");
    }

    /** Destroys every secret and token of the connection and marks it DISCONNECTED; its history stays. */
    public void disconnect(String tenant, String name) {
        VaultConnection c = live(tenant, name);
        Instant now = clock.instant();
        repository.transactions().executeWithoutResult(tx -> {
            for (VaultGrant g : repository.grants(c.id())) {
                VaultGrant.Draft d = g.draft();
                d.status = ConnectionStatus.DISCONNECTED;
                d.statusAt = now;
                d.statusReason = "Disconnected by an admin; its secrets were destroyed.";
                d.statusAction = "A tenant admin must create the connection again.";
                d.secret = null;
                d.accessToken = null;
                d.refreshToken = null;
                d.refreshDueAt = null;
                d.keepaliveDueAt = null;
                d.leaseOwner = null;
                d.leaseUntil = null;
                repository.write(d.build());
            }
            VaultConnection gone = new VaultConnection(c.id(), c.tenant(), c.name(), c.host(), c.authMethod(),
                    c.grantOwner(), c.clientId(), c.scopes(), c.refreshTokenTtlSeconds(), false, c.defaultWarehouse(),
                    c.readOnly(), c.exposure(), c.rateLimitPolicy(), c.rateLimits(), c.dataKey(), c.dataKeyKid(), now,
                    c.createdBy(), c.createdAt(), now, c.revision(), c.azureTenantId(), c.azureResourceId(), c.federationAudience());
            if (!repository.update(gone)) {
                throw new VaultRequestException(409, "The connection changed at the same time; try again");
            }
            events.record(tenant, name, null, "disconnected", ConnectionStatus.DISCONNECTED,
                    "Disconnected by an admin; its secrets were destroyed.", null);
        });
        forgetTokens(c);
        byTenant.remove(tenant);
    }

    /** Re-wraps every data key not wrapped by the active master key; returns how many this instance re-wrapped. */
    public int rewrapAll() {
        int count = 0;
        for (VaultConnection c : repository.all()) {
            if (cipher.activeKey().equals(c.dataKeyKid()) || !cipher.knows(c.dataKeyKid())) {
                if (!cipher.knows(c.dataKeyKid())) {
                    LOG.warn("connection {} is wrapped by master key '{}', which is not configured: it cannot be opened",
                            c, c.dataKeyKid());
                }
                continue;
            }
            EnvelopeCipher.DataKey rewrapped = cipher.rewrap(c.dataKey(), c.dataKeyKid(), c.tenant(), c.id());
            if (rewrapped != null && repository.rewrap(c.id(), c.dataKeyKid(), rewrapped.wrapped(), rewrapped.kid())) {
                count++;
            }
        }
        byTenant.clear();
        if (count > 0) {
            LOG.info("re-wrapped {} connection data keys with master key '{}'", count, cipher.activeKey());
        }
        return count;
    }

    /** At startup, data keys of older master keys are re-wrapped with the active one (online rotation). */
    @EventListener(ApplicationReadyEvent.class)
    public void rewrapAtStartup() {
        try {
            rewrapAll();
        } catch (RuntimeException e) {
            LOG.warn("re-wrapping data keys at startup failed: {}", e.toString());
        }
    }

    /** The connection's own status (the connection grant's). */
    public ConnectionStatus ownStatus(VaultConnection c) {
        return repository.grant(c.id(), VaultConnection.OWN).map(VaultGrant::status).orElse(ConnectionStatus.PENDING);
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    /** @param clientId the identity the credentials turned out to be (a Google key's account), when not given */
    private record Validated(WorkspaceOAuth.Tokens tokens, WorkspaceOAuth.Me me, String azureTenantId, String clientId) {
        Validated(WorkspaceOAuth.Tokens tokens, WorkspaceOAuth.Me me) {
            this(tokens, me, null, null);
        }
    }

    /**
     * An Entra ID service principal: only on an Azure workspace; its tenant given or read from the workspace; its
     * tokens requested (both, with a resource id) and proven by SCIM Me with the headers the calls will send.
     */
    private Validated validateAzure(String host, String base, String clientId, String secret, String tenant,
            String resourceId) {
        if (hosts.cloud(host) != WorkspaceCloud.AZURE) {
            throw new VaultRequestException(400, "azure-client-secret needs an Azure Databricks workspace host "
                    + "(*.azuredatabricks.net); this host is on " + hosts.cloud(host).wire());
        }
        if (tenant != null && !tenant.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new VaultRequestException(400, "azure_tenant_id must be the tenant's GUID");
        }
        if (resourceId != null && (resourceId.length() > 500 || !resourceId.startsWith("/subscriptions/")
                || !resourceId.contains("/providers/Microsoft.Databricks/workspaces/"))) {
            throw new VaultRequestException(400, "azure_workspace_resource_id must be the workspace's Azure resource id "
                    + "(/subscriptions/…/resourceGroups/…/providers/Microsoft.Databricks/workspaces/…)");
        }
        String found = tenant != null ? tenant.toLowerCase(java.util.Locale.ROOT)
                : validation(() -> entra.tenantOf(base), "request for its Entra tenant");
        WorkspaceOAuth.Tokens t = validation(() -> entra.servicePrincipalTokens(found, clientId, secret, resourceId),
                "Entra ID service principal");
        BearerBundle bundle = BearerBundle.decode(t.accessToken());
        WorkspaceOAuth.Me me = validation(() -> oauth.me(base, bundle.token(), bundle.headers()),
                "Entra ID service principal");
        return new Validated(t, me, found, null);
    }

    /**
     * A Google service account: only on a GCP workspace; its key read, its ID and access tokens requested and proven
     * by SCIM Me with the header the calls will send. On rotation ({@code account} the connection's) the new key must
     * be of the same account.
     */
    private Validated validateGoogle(String host, String base, String keyJson, String account) {
        if (hosts.cloud(host) != WorkspaceCloud.GCP) {
            throw new VaultRequestException(400, "google-credentials needs a Databricks on Google Cloud workspace host "
                    + "(*.gcp.databricks.com); this host is on " + hosts.cloud(host).wire());
        }
        GoogleOAuth.ServiceAccountKey key = GoogleOAuth.parseKey(keyJson);
        if (account != null && !key.email().equalsIgnoreCase(account)) {
            throw new VaultRequestException(400, "The new key is of " + key.email() + ", the connection's service account "
                    + "is " + account + ": create a new connection for another account");
        }
        WorkspaceOAuth.Tokens t = validation(() -> google.serviceAccountTokens(keyJson, host), "Google service account");
        BearerBundle bundle = BearerBundle.decode(t.accessToken());
        WorkspaceOAuth.Me me = validation(() -> oauth.me(base, bundle.token(), bundle.headers()), "Google service account");
        return new Validated(t, me, null, key.email());
    }

    /**
     * Token federation: the gateway must be set up for the identity-provider exchange; the workspace must answer OIDC
     * discovery. The federation policy itself can only be proven by the first user's call (no user signs in here).
     */
    private Validated validateFederation(String base, NewConnection n) {
        if (!federation.configured()) {
            throw new VaultRequestException(400, "This gateway has no token exchange with its identity provider "
                    + "configured (gateway.vault.federation.token-url, client-id): oauth-federation is off");
        }
        String audience = n.federationAudience();
        if (audience != null && (audience.isBlank() || audience.chars().anyMatch(Character::isWhitespace))) {
            throw new VaultRequestException(400, "federation_audience must be one audience value without spaces");
        }
        if (n.token() != null || n.clientSecret() != null) {
            throw new VaultRequestException(400, "An oauth-federation connection takes no token or secret");
        }
        return validateU2mApp(base, null);
    }

    /** Every token of the connection held in memory: its grants' (any cloud) and its users' federated ones. */
    private void forgetTokens(VaultConnection c) {
        tokens.forget(c);
        federation.forget(c, null);
    }

    private Validated validatePat(String base, String token) {
        return new Validated(null, validation(() -> oauth.me(base, token), "personal access token"));
    }

    private Validated validateM2m(String base, String clientId, String secret, String scopes) {
        WorkspaceOAuth.Tokens t = validation(() -> oauth.clientCredentials(base, clientId, secret, scopes),
                "service principal credentials");
        return new Validated(t, validation(() -> oauth.me(base, t.accessToken()), "service principal credentials"));
    }

    /** A U2M app cannot be proven before a user signs in; the workspace must at least answer OIDC discovery. */
    private Validated validateU2mApp(String base, String clientId) {
        validation(() -> {
            oauth.discovery(base);
            return null;
        }, "workspace");
        return new Validated(null, null);
    }

    private static <T> T validation(java.util.function.Supplier<T> call, String what) {
        try {
            return call.get();
        } catch (WorkspaceOAuth.Failure f) {
            throw new VaultRequestException(400, "The workspace did not accept the " + what + ": " + f.getMessage()
                    + ". Nothing was stored.");
        }
    }

    /** The base URL for an admin request: a host that cannot be resolved is the admin's 400. */
    private String requestBaseUrl(String host) {
        try {
            return hosts.baseUrl(host);
        } catch (IllegalArgumentException e) {
            throw new VaultRequestException(400, e.getMessage());
        }
    }

    private VaultGrant.Draft newGrant(VaultConnection c, String subject, Instant now) {
        VaultGrant.Draft d = new VaultGrant.Draft();
        d.id = UUID.randomUUID().toString();
        d.connectionId = c.id();
        d.subject = subject;
        d.status = ConnectionStatus.PENDING;
        d.statusAt = now;
        d.createdAt = now;
        d.updatedAt = now;
        d.version = 0;
        return d;
    }

    private boolean insertIfAbsent(VaultGrant grant) {
        try {
            repository.insert(grant);
            return true;
        } catch (org.springframework.dao.DuplicateKeyException e) {
            return false;
        }
    }

    private void clearDefault(String tenant) {
        for (VaultConnection other : repository.list(tenant)) {
            if (other.isDefault()) {
                repository.update(new VaultConnection(other.id(), other.tenant(), other.name(), other.host(),
                        other.authMethod(), other.grantOwner(), other.clientId(), other.scopes(),
                        other.refreshTokenTtlSeconds(), false, other.defaultWarehouse(), other.readOnly(), other.exposure(),
                        other.rateLimitPolicy(), other.rateLimits(), other.dataKey(), other.dataKeyKid(),
                        other.disconnectedAt(), other.createdBy(), other.createdAt(), clock.instant(), other.revision(),
                        other.azureTenantId(), other.azureResourceId(), other.federationAudience()));
            }
        }
    }

    private VaultConnection live(String tenant, String name) {
        VaultConnection c = get(tenant, name);
        if (c.disconnected()) {
            throw new VaultRequestException(409, "Connection '" + name + "' is disconnected; create it again");
        }
        return c;
    }

    private static VaultRequestException notFound(String tenant, String name) {
        return new VaultRequestException(404, "Tenant '" + tenant + "' has no connection named '"
                + (name == null ? "" : name.replaceAll("[^A-Za-z0-9_-]", "?")) + "'");
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new VaultRequestException(400, field + " is required");
        }
        if (value.length() > MAX_SECRET) {
            throw new VaultRequestException(400, field + " is too long");
        }
        return value;
    }
}
