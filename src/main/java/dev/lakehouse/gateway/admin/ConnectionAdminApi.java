package dev.lakehouse.gateway.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.ratelimit.ApiFamily;
import dev.lakehouse.gateway.ratelimit.RateLimitPolicy;
import dev.lakehouse.gateway.ratelimit.RateLimitProperties;
import dev.lakehouse.gateway.tenant.TenantConnections;
import dev.lakehouse.gateway.tenant.TenantProperties;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.vault.ConnectionEvent;
import dev.lakehouse.gateway.vault.ConnectionVault;
import dev.lakehouse.gateway.vault.VaultConnection;
import dev.lakehouse.gateway.vault.VaultGrant;
import dev.lakehouse.gateway.vault.VaultRequestException;
import dev.lakehouse.gateway.vault.WorkspaceCloud;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The admin API of workspace connections (routes in routes/61-admin-connections.camel.yaml): a tenant's connections
 * from properties (read-only) and from the vault (created, changed, rotated and disconnected here). Secrets go in,
 * never out: no answer carries a token or client secret.
 */
@Component("connectionAdminApi")
public class ConnectionAdminApi {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "host", "auth", "grant", "token", "client_id",
            "client_secret", "scopes", "refresh_token_ttl_seconds", "secret_expires_at", "default", "default_warehouse",
            "read_only", "exposure", "rate_limit_policy", "rate_limits", "azure_tenant_id", "azure_workspace_resource_id",
            "google_credentials", "federation_audience");
    private static final Set<String> POLICY_FIELDS = Set.of("default", "default_warehouse", "read_only", "exposure",
            "rate_limit_policy", "rate_limits");
    private static final Set<String> SECRET_FIELDS = Set.of("token", "client_secret", "google_credentials",
            "secret_expires_at");
    /** A service-account key JSON is about 2.4 KB; room for a longer project and account name, not for a payload. */
    private static final int MAX_GOOGLE_CREDENTIALS = 8000;
    private static final int MAX_EVENTS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectionVault vault;
    private final TenantConnections connections;
    private final AdminAccess access;

    public ConnectionAdminApi(ConnectionVault vault, TenantConnections connections, AdminAccess access) {
        this.vault = vault;
        this.connections = connections;
        this.access = access;
    }

    /** GET /admin/tenants/{tenant}/connections: properties connections, then the vault's (with status). */
    public void list(Exchange exchange) {
        String tenant = access.tenant(exchange);
        String defaultName = connections.defaultName(tenant);
        List<Map<String, Object>> list = new ArrayList<>();
        TenantProperties.Tenant config = connections.tenants().get(tenant);
        if (config != null) {
            config.connections().forEach((name, c) -> list.add(configuredView(name, c, name.equals(defaultName))));
        }
        for (VaultConnection c : vault.list(tenant)) {
            list.add(vaultView(c, c.name().equals(defaultName), vault.grants(c), false));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenant", tenant);
        answer.put("connections", list);
        AdminApi.reply(exchange, 200, answer, Map.of());
    }

    /** POST /admin/tenants/{tenant}/connections: 201 with the stored connection, after the workspace accepted it. */
    public void create(Exchange exchange) {
        String tenant = access.tenant(exchange);
        JsonNode body = body(exchange, CREATE_FIELDS);
        String name = AdminApi.optionalText(body, "name", 64);
        if (name != null && connections.configured(tenant, name)) {
            throw new AdminApiException(409, "Connection '" + name + "' is defined in the gateway's properties; choose another name");
        }
        Instant secretExpiresAt = instant(body, "secret_expires_at");
        Long ttl = positiveLong(body, "refresh_token_ttl_seconds");
        ConnectionVault.NewConnection request = new ConnectionVault.NewConnection(name,
                AdminApi.optionalText(body, "host", 500), AdminApi.optionalText(body, "auth", 32),
                AdminApi.optionalText(body, "grant", 16), secret(body, "token"), AdminApi.optionalText(body, "client_id", 200),
                clientSecretOrKey(body), AdminApi.optionalText(body, "scopes", 500), ttl, secretExpiresAt,
                AdminApi.optionalBoolean(body, "default", false), AdminApi.optionalText(body, "default_warehouse", 64),
                AdminApi.optionalBoolean(body, "read_only", true), exposure(body), policy(body), rateLimits(body),
                AdminApi.optionalText(body, "azure_tenant_id", 64),
                AdminApi.optionalText(body, "azure_workspace_resource_id", 500),
                AdminApi.optionalText(body, "federation_audience", 255));
        VaultConnection created = call(() -> vault.create(tenant, request, access.actor()));
        AdminApi.reply(exchange, 201, vaultView(created, created.isDefault(), vault.grants(created), true),
                Map.of("Location", "/admin/tenants/" + tenant + "/connections/" + created.name()));
    }

    /** GET /admin/tenants/{tenant}/connections/{name}: one connection, with its users' grants when per-user. */
    public void get(Exchange exchange) {
        String tenant = access.tenant(exchange);
        String name = name(exchange);
        TenantProperties.Tenant config = connections.tenants().get(tenant);
        if (config != null && config.connections().containsKey(name)) {
            AdminApi.reply(exchange, 200, configuredView(name, config.connections().get(name),
                    name.equals(connections.defaultName(tenant))), Map.of());
            return;
        }
        VaultConnection c = call(() -> vault.get(tenant, name));
        AdminApi.reply(exchange, 200, vaultView(c, name.equals(connections.defaultName(tenant)), vault.grants(c), true), Map.of());
    }

    /** PATCH /admin/tenants/{tenant}/connections/{name}: policy fields only. */
    public void update(Exchange exchange) {
        String tenant = access.tenant(exchange);
        String name = vaultName(exchange, tenant);
        JsonNode body = body(exchange, POLICY_FIELDS);
        ConnectionVault.PolicyChange change = new ConnectionVault.PolicyChange(
                body.has("default") ? AdminApi.optionalBoolean(body, "default", false) : null,
                AdminApi.optionalText(body, "default_warehouse", 64),
                body.has("read_only") ? AdminApi.optionalBoolean(body, "read_only", true) : null,
                body.has("exposure") ? exposure(body) : null, policy(body), body.has("rate_limits") ? rateLimits(body) : null);
        VaultConnection c = call(() -> vault.update(tenant, name, change));
        AdminApi.reply(exchange, 200, vaultView(c, c.isDefault(), vault.grants(c), true), Map.of());
    }

    /** PUT /admin/tenants/{tenant}/connections/{name}/secret: a new PAT or client secret, validated first. */
    public void rotate(Exchange exchange) {
        String tenant = access.tenant(exchange);
        String name = vaultName(exchange, tenant);
        JsonNode body = body(exchange, SECRET_FIELDS);
        String token = secret(body, "token");
        String clientSecret = clientSecretOrKey(body);
        if ((token == null) == (clientSecret == null)) {
            throw AdminApiException.badRequest("Send exactly one of 'token' (PAT), 'client_secret' (OAuth, Entra ID) or "
                    + "'google_credentials' (Google service account)");
        }
        Instant expiresAt = instant(body, "secret_expires_at");
        call(() -> vault.rotate(tenant, name, token != null ? token : clientSecret, expiresAt));
        VaultConnection c = call(() -> vault.get(tenant, name));
        AdminApi.reply(exchange, 200, vaultView(c, c.isDefault(), vault.grants(c), true), Map.of());
    }

    /** DELETE /admin/tenants/{tenant}/connections/{name}: secrets destroyed, status disconnected; 204. */
    public void disconnect(Exchange exchange) {
        String tenant = access.tenant(exchange);
        String name = vaultName(exchange, tenant);
        call(() -> {
            vault.disconnect(tenant, name);
            return null;
        });
        AdminApi.reply(exchange, 204, null, Map.of());
    }

    /** GET /admin/tenants/{tenant}/connections/{name}/events: newest first, metadata only. */
    public void events(Exchange exchange) {
        String tenant = access.tenant(exchange);
        String name = vaultName(exchange, tenant);
        List<Map<String, Object>> list = new ArrayList<>();
        for (ConnectionEvent e : call(() -> vault.events(tenant, name, MAX_EVENTS))) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", e.id());
            item.put("type", e.type());
            item.put("status", e.status().wire());
            item.put("subject", e.subject());
            item.put("reason", e.reason());
            item.put("action", e.action());
            item.put("occurred_at", e.occurredAt().toString());
            list.add(item);
        }
        AdminApi.reply(exchange, 200, Map.of("tenant", tenant, "connection", name, "events", list), Map.of());
    }

    /** POST /admin/vault/rewrap (gateway-admin): re-wraps data keys with the active master key now. */
    public void rewrap(Exchange exchange) {
        int count = vault.rewrapAll();
        AdminApi.reply(exchange, 200, Map.of("rewrapped", count), Map.of());
    }

    // --- views -------------------------------------------------------------------------------------------------------

    private static Map<String, Object> configuredView(String name, TenantProperties.Connection c, boolean isDefault) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", name);
        item.put("source", "properties");
        item.put("default", isDefault);
        item.put("host", c.host());
        item.put("cloud", WorkspaceCloud.of(c.host()).wire());
        item.put("account_host", WorkspaceCloud.accountsHost(c.host()));
        item.put("auth", c.auth());
        item.put("default_warehouse", c.defaultWarehouse());
        item.put("read_only", c.readOnly());
        item.put("exposure", exposureView(c.exposure()));
        return item;
    }

    private static Map<String, Object> vaultView(VaultConnection c, boolean isDefault, List<VaultGrant> grants, boolean withUsers) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", c.name());
        item.put("source", "vault");
        item.put("default", isDefault);
        item.put("host", c.host());
        item.put("cloud", WorkspaceCloud.of(c.host()).wire());
        item.put("account_host", WorkspaceCloud.accountsHost(c.host()));
        item.put("auth", c.authMethod());
        item.put("grant", c.grantOwner());
        item.put("oauth_client", c.clientId());
        if (VaultConnection.AZURE_CLIENT_SECRET.equals(c.authMethod())) {
            item.put("azure_tenant_id", c.azureTenantId());
            item.put("azure_workspace_resource_id", c.azureResourceId());
        }
        if (VaultConnection.GOOGLE_CREDENTIALS.equals(c.authMethod())) {
            item.put("google_service_account", c.clientId());
        }
        if (c.federated()) {
            item.put("federation_audience", c.federationAudience());
        }
        VaultGrant own = grants.stream().filter(g -> VaultConnection.OWN.equals(g.subject())).findFirst().orElse(null);
        if (own != null) {
            item.putAll(grantView(own));
        }
        item.put("default_warehouse", c.defaultWarehouse());
        item.put("read_only", c.readOnly());
        item.put("exposure", exposureView(c.exposure()));
        item.put("rate_limit_policy", c.rateLimitPolicy() == null ? null : c.rateLimitPolicy().name().toLowerCase(Locale.ROOT));
        Map<String, Object> limits = new TreeMap<>();
        c.rateLimits().forEach((family, f) -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("rate", f.rate());
            l.put("burst", f.burst());
            l.put("policy", f.policy() == null ? null : f.policy().name().toLowerCase(Locale.ROOT));
            limits.put(family, l);
        });
        item.put("rate_limits", limits);
        item.put("created_by", c.createdBy());
        item.put("created_at", text(c.createdAt()));
        item.put("updated_at", text(c.updatedAt()));
        item.put("disconnected_at", text(c.disconnectedAt()));
        if (c.perUser()) {
            List<VaultGrant> users = grants.stream().filter(g -> !VaultConnection.OWN.equals(g.subject())).toList();
            item.put("user_grants", users.size());
            if (withUsers) {
                item.put("users", users.stream().map(g -> {
                    Map<String, Object> u = new LinkedHashMap<>();
                    u.put("subject", g.subject());
                    u.putAll(grantView(g));
                    return u;
                }).toList());
            }
        }
        return item;
    }

    private static Map<String, Object> grantView(VaultGrant g) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("status", g.status().wire());
        item.put("status_reason", g.statusReason());
        item.put("status_action", g.statusAction());
        item.put("status_at", text(g.statusAt()));
        item.put("principal", g.principal());
        item.put("scopes", g.grantedScopes());
        Map<String, Object> expiries = new LinkedHashMap<>();
        expiries.put("secret_expires_at", text(g.secretExpiresAt()));
        expiries.put("access_token_expires_at", text(g.accessExpiresAt()));
        expiries.put("refresh_token_expires_at", text(g.refreshExpiresAt()));
        expiries.put("next_refresh_at", text(g.refreshDueAt()));
        item.put("expiries", expiries);
        return item;
    }

    private static Map<String, String> exposureView(Map<String, TenantProperties.Exposure> exposure) {
        Map<String, String> view = new TreeMap<>();
        WorkspaceConnection.DATABRICKS_GROUPS.forEach(g -> view.put(g,
                exposure.getOrDefault(g, TenantProperties.Exposure.READ).name().toLowerCase(Locale.ROOT)));
        return view;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    // --- input -------------------------------------------------------------------------------------------------------

    private static JsonNode body(Exchange exchange, Set<String> allowed) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new AdminApiException(415, "Send the request body as JSON (Content-Type: application/json)");
        }
        JsonNode body = AdminApi.parse(exchange.getMessage().getBody(String.class));
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw AdminApiException.badRequest("Unknown field '" + AdminApi.shorten(field) + "'. Allowed fields: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return body;
    }

    private static String name(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        if (name == null || !ConnectionVault.NAME.matcher(name).matches()) {
            throw AdminApiException.badRequest("The connection name must match [A-Za-z0-9][A-Za-z0-9_-]{0,63}");
        }
        return name;
    }

    /** A connection name that must belong to the vault (properties connections change only with the properties). */
    private String vaultName(Exchange exchange, String tenant) {
        String name = name(exchange);
        if (connections.configured(tenant, name)) {
            throw new AdminApiException(409, "Connection '" + name + "' is defined in the gateway's properties and "
                    + "cannot be changed through the API");
        }
        return name;
    }

    /**
     * The service principal's secret: {@code client_secret}, or a Google service-account key as
     * {@code google_credentials} (the key file's JSON object, or that JSON as a string), kept as compact JSON.
     */
    private static String clientSecretOrKey(JsonNode body) {
        String clientSecret = secret(body, "client_secret");
        JsonNode key = body.get("google_credentials");
        if (key == null || key.isNull()) {
            return clientSecret;
        }
        if (clientSecret != null) {
            throw AdminApiException.badRequest("Send 'client_secret' or 'google_credentials', not both");
        }
        JsonNode object = key;
        if (key.isTextual()) {
            try {
                object = key.asText().length() > MAX_GOOGLE_CREDENTIALS ? null : JSON.readTree(key.asText());
            } catch (java.io.IOException e) {
                object = null;
            }
        }
        if (object == null || !object.isObject() || object.toString().length() > MAX_GOOGLE_CREDENTIALS) {
            throw AdminApiException.badRequest("'google_credentials' must be a service-account key JSON (an object, or "
                    + "its text) of at most " + MAX_GOOGLE_CREDENTIALS + " characters");
        }
        return object.toString();
    }

    /** A secret field: a string, kept exactly as sent (no trimming), never echoed in an error. */
    private static String secret(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > 4000
                || value.asText().chars().anyMatch(Character::isISOControl)) {
            throw AdminApiException.badRequest("'" + field + "' must be a string of 1 to 4000 printable characters");
        }
        return value.asText();
    }

    private static Instant instant(JsonNode body, String field) {
        String text = AdminApi.optionalText(body, field, 40);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw AdminApiException.badRequest("'" + field + "' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
    }

    private static Long positiveLong(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 60) {
            throw AdminApiException.badRequest("'" + field + "' must be a whole number of seconds, at least 60");
        }
        return value.asLong();
    }

    private static Map<String, TenantProperties.Exposure> exposure(JsonNode body) {
        JsonNode value = body.get("exposure");
        Map<String, TenantProperties.Exposure> exposure = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return exposure;
        }
        if (!value.isObject()) {
            throw AdminApiException.badRequest("'exposure' must be an object of tool group to off|read|on|confirm");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!WorkspaceConnection.DATABRICKS_GROUPS.contains(entry.getKey())) {
                throw AdminApiException.badRequest("Unknown tool group '" + AdminApi.shorten(entry.getKey()) + "' in 'exposure'; "
                        + "groups: " + String.join(", ", new java.util.TreeSet<>(WorkspaceConnection.DATABRICKS_GROUPS)));
            }
            try {
                exposure.put(entry.getKey(), TenantProperties.Exposure.valueOf(entry.getValue().asText("").toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw AdminApiException.badRequest("exposure." + entry.getKey() + " must be off, read, on or confirm");
            }
        }
        return exposure;
    }

    private static RateLimitPolicy policy(JsonNode body) {
        String text = AdminApi.optionalText(body, "rate_limit_policy", 16);
        if (text == null) {
            return null;
        }
        try {
            return RateLimitPolicy.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminApiException.badRequest("'rate_limit_policy' must be absorb or passthrough");
        }
    }

    private static Map<String, RateLimitProperties.Family> rateLimits(JsonNode body) {
        JsonNode value = body.get("rate_limits");
        Map<String, RateLimitProperties.Family> limits = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return limits;
        }
        if (!value.isObject()) {
            throw AdminApiException.badRequest("'rate_limits' must be an object of API family to {rate, burst, policy}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            try {
                ApiFamily.byKey(entry.getKey());
            } catch (IllegalArgumentException e) {
                throw AdminApiException.badRequest("Unknown API family '" + AdminApi.shorten(entry.getKey()) + "' in 'rate_limits'");
            }
            JsonNode f = entry.getValue();
            if (!f.isObject()) {
                throw AdminApiException.badRequest("rate_limits." + entry.getKey() + " must be an object {rate, burst, policy}");
            }
            JsonNode rate = f.get("rate");
            JsonNode burst = f.get("burst");
            if (rate != null && (!rate.isNumber() || rate.asDouble() <= 0 || rate.asDouble() > 10_000)
                    || burst != null && (!burst.isIntegralNumber() || burst.asInt() < 1 || burst.asInt() > 10_000)) {
                throw AdminApiException.badRequest("rate_limits." + entry.getKey() + ": rate must be a number in (0, 10000], "
                        + "burst a whole number from 1 to 10000");
            }
            RateLimitPolicy policy = null;
            if (f.hasNonNull("policy")) {
                try {
                    policy = RateLimitPolicy.valueOf(f.get("policy").asText("").toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw AdminApiException.badRequest("rate_limits." + entry.getKey() + ".policy must be absorb or passthrough");
                }
            }
            limits.put(entry.getKey(), new RateLimitProperties.Family(rate == null ? null : rate.asDouble(),
                    burst == null ? null : burst.asInt(), policy));
        }
        return limits;
    }

    /** Runs a vault operation; its refusals become admin API errors with their status. */
    private static <T> T call(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (VaultRequestException e) {
            throw new AdminApiException(e.status(), e.getMessage());
        }
    }
}
