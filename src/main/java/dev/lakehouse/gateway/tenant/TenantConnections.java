package dev.lakehouse.gateway.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.tools.ToolExecutionException;
import dev.lakehouse.gateway.vault.VaultDirectory;
import dev.lakehouse.gateway.vault.VaultConnection;
import dev.lakehouse.gateway.vault.WorkspaceCloud;
import org.apache.camel.Exchange;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Resolves the workspace connection of a tool call from the caller's tenant (variable {@code tenant}) and the
 * optional {@code workspace} argument, into the variable {@code connection}. Later steps read only that variable.
 * A scoped MCP URL's variable {@code pinnedConnection} fixes the connection (another {@code workspace} is refused).
 * A tenant's connections are those of its properties (the quick start's) and those of the connection vault.
 */
@Component("tenantConnections")
public class TenantConnections {

    static final String EMULATOR_PREFIX = "emulator:";

    private final TenantProperties properties;
    private final Environment environment;
    private final VaultDirectory vault;

    /** Connections from properties only. */
    public TenantConnections(TenantProperties properties, Environment environment) {
        this(properties, environment, VaultDirectory.NONE);
    }

    @org.springframework.beans.factory.annotation.Autowired
    public TenantConnections(TenantProperties properties, Environment environment, VaultDirectory vault) {
        this.properties = properties;
        this.environment = environment;
        this.vault = vault;
    }

    public void resolve(Exchange exchange) {
        String tenant = exchange.getVariable("tenant", String.class);
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        String requested = arguments == null ? null : arguments.path("workspace").asText(null);
        // a scoped MCP URL is pinned to one connection: naming another is refused without naming the others
        String pinned = exchange.getVariable("pinnedConnection", String.class);
        if (pinned != null) {
            if (requested != null && !requested.isBlank() && !requested.equals(pinned)) {
                throw new ToolExecutionException("This MCP URL is limited to workspace '" + pinned
                        + "'. Omit 'workspace' (or pass '" + pinned + "').");
            }
            requested = pinned;
        }
        exchange.setVariable("connection", connection(tenant, requested));
    }

    /** The connection, or a tool error that tells the model which names exist. */
    public WorkspaceConnection connection(String tenant, String requested) {
        List<String> names = names(tenant);
        if (names.isEmpty()) {
            throw new ToolExecutionException("No Databricks workspace is connected for tenant " + tenant
                    + ". A tenant admin must add a workspace connection first.");
        }
        String name = requested != null && !requested.isBlank() ? requested : defaultName(tenant);
        TenantProperties.Tenant config = tenant == null ? null : properties.tenants().get(tenant);
        TenantProperties.Connection c = config == null ? null : config.connections().get(name);
        if (c != null) {
            return new WorkspaceConnection(tenant, name, baseUrl(c.host(), name), c.auth(), c.token(), c.clientId(),
                    c.clientSecret(), c.defaultWarehouse(), c.readOnly(), c.exposure(), c.rateLimitPolicy(),
                    c.rateLimitsByFamily(), null);
        }
        VaultConnection v = vault.connection(tenant, name).orElseThrow(() -> new ToolExecutionException("Unknown workspace '"
                + name + "'. This tenant's workspaces are: " + String.join(", ", names)
                + ". Omit 'workspace' to use the default."));
        return new WorkspaceConnection(tenant, name, vaultBaseUrl(v.host(), name), v.authMethod(), null, v.clientId(), null,
                v.defaultWarehouse(), v.readOnly(), v.exposure(), v.rateLimitPolicy(),
                TenantProperties.byFamily(v.rateLimits()), v);
    }

    /** The connection a call uses when it names none: the configured default, else the first one. */
    public String defaultName(String tenant) {
        TenantProperties.Tenant config = tenant == null ? null : properties.tenants().get(tenant);
        if (config != null && config.defaultConnection() != null) {
            return config.defaultConnection();
        }
        List<VaultConnection> stored = tenant == null ? List.of() : vault.connections(tenant);
        return stored.stream().filter(VaultConnection::isDefault).map(VaultConnection::name).findFirst()
                .orElseGet(() -> {
                    List<String> names = names(tenant);
                    return names.isEmpty() ? null : names.get(0);
                });
    }

    /** The exposure policy of each of a tenant's connections (no host is resolved: listing never calls out). */
    public List<Map<String, TenantProperties.Exposure>> exposures(String tenant) {
        return exposures(tenant, null);
    }

    /** The same, for one connection only when {@code only} is set (a scoped MCP URL's pinned connection). */
    public List<Map<String, TenantProperties.Exposure>> exposures(String tenant, String only) {
        if (tenant == null) {
            return List.of();
        }
        List<Map<String, TenantProperties.Exposure>> exposures = new ArrayList<>();
        TenantProperties.Tenant config = properties.tenants().get(tenant);
        if (config != null) {
            config.connections().entrySet().stream().filter(c -> only == null || only.equals(c.getKey()))
                    .forEach(c -> exposures.add(c.getValue().exposure()));
        }
        vault.connections(tenant).stream().filter(c -> only == null || only.equals(c.name()))
                .forEach(c -> exposures.add(c.exposure()));
        return exposures;
    }

    /** Workspace names of a tenant (for gateway_info and hints): its properties' first, then the vault's. */
    /**
     * Each connection's cloud ({@code aws}, {@code azure}, {@code gcp}) by name, told by its host name as the SDKs do:
     * what an agent may know of a workspace besides its name (no host, no credential).
     */
    public Map<String, String> clouds(String tenant) {
        Map<String, String> clouds = new java.util.LinkedHashMap<>();
        if (tenant == null) {
            return clouds;
        }
        TenantProperties.Tenant config = properties.tenants().get(tenant);
        if (config != null) {
            config.connections().forEach((name, c) -> clouds.put(name, WorkspaceCloud.of(c.host()).wire()));
        }
        vault.connections(tenant).forEach(c -> clouds.putIfAbsent(c.name(), WorkspaceCloud.of(c.host()).wire()));
        return clouds;
    }

    public List<String> names(String tenant) {
        if (tenant == null) {
            return List.of();
        }
        TenantProperties.Tenant config = properties.tenants().get(tenant);
        List<String> names = config == null ? new ArrayList<>() : new ArrayList<>(config.connections().keySet());
        vault.connections(tenant).forEach(c -> {
            if (!names.contains(c.name())) {
                names.add(c.name());
            }
        });
        return names;
    }

    /** Whether the tenant has a connection of this name (properties or vault). */
    public boolean has(String tenant, String name) {
        return names(tenant).contains(name);
    }

    /** Whether the tenant is known: configured in properties, or holding a vault connection. */
    public boolean knows(String tenant) {
        return tenant != null && (properties.tenants().containsKey(tenant) || !vault.connections(tenant).isEmpty());
    }

    /** Whether a connection of this name comes from properties (it cannot be changed through the admin API). */
    public boolean configured(String tenant, String name) {
        TenantProperties.Tenant config = tenant == null ? null : properties.tenants().get(tenant);
        return config != null && config.connections().containsKey(name);
    }

    public Map<String, TenantProperties.Tenant> tenants() {
        return properties.tenants();
    }

    /** A vault connection's base URL: emulator:NAME resolved and an operator's host override applied, by the vault. */
    private String vaultBaseUrl(String host, String connection) {
        String stored = host == null ? "" : host.trim();
        if (stored.startsWith(EMULATOR_PREFIX)) {
            return baseUrl(stored, connection);
        }
        return baseUrl(vault.baseUrl(stored), connection);
    }

    /** The scheme and authority only, as the Databricks SDK does; emulator:NAME is looked up when first needed. */
    private String baseUrl(String host, String connection) {
        if (host == null || host.isBlank()) {
            throw new ToolExecutionException("The workspace connection '" + connection + "' has no host configured.");
        }
        String url = host.trim();
        if (url.startsWith(EMULATOR_PREFIX)) {
            String resolved = environment.getProperty("emulator.url." + url.substring(EMULATOR_PREFIX.length()));
            if (resolved == null) {
                throw new ToolExecutionException("The workspace connection '" + connection + "' points at the embedded "
                        + "emulator, which is not running (emulator.embedded=false).");
            }
            url = resolved;
        }
        if (!url.contains("://")) {
            url = "https://" + url;
        }
        java.net.URI uri = java.net.URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
