package dev.lakehouse.gateway.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Resolves the workspace connection of a tool call from the caller's tenant (variable {@code tenant}) and the
 * optional {@code workspace} argument, into the variable {@code connection}. Later steps read only that variable.
 * A scoped MCP URL's variable {@code pinnedConnection} fixes the connection (another {@code workspace} is refused).
 */
@Component("tenantConnections")
public class TenantConnections {

    static final String EMULATOR_PREFIX = "emulator:";

    private final TenantProperties properties;
    private final Environment environment;

    public TenantConnections(TenantProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
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
        TenantProperties.Tenant config = tenant == null ? null : properties.tenants().get(tenant);
        if (config == null || config.connections().isEmpty()) {
            throw new ToolExecutionException("No Databricks workspace is connected for tenant " + tenant
                    + ". A tenant admin must add a workspace connection first.");
        }
        String name = requested != null && !requested.isBlank() ? requested
                : config.defaultConnection() != null ? config.defaultConnection()
                : config.connections().keySet().iterator().next();
        TenantProperties.Connection c = config.connections().get(name);
        if (c == null) {
            throw new ToolExecutionException("Unknown workspace '" + name + "'. This tenant's workspaces are: "
                    + String.join(", ", config.connections().keySet()) + ". Omit 'workspace' to use the default.");
        }
        return new WorkspaceConnection(tenant, name, baseUrl(c.host(), name), c.auth(), c.token(), c.clientId(),
                c.clientSecret(), c.defaultWarehouse(), c.readOnly(), c.exposure(), c.rateLimitPolicy(),
                c.rateLimitsByFamily());
    }

    /** The exposure policy of each of a tenant's connections (no host is resolved: listing never calls out). */
    public List<Map<String, TenantProperties.Exposure>> exposures(String tenant) {
        return exposures(tenant, null);
    }

    /** The same, for one connection only when {@code only} is set (a scoped MCP URL's pinned connection). */
    public List<Map<String, TenantProperties.Exposure>> exposures(String tenant, String only) {
        TenantProperties.Tenant config = tenant == null ? null : properties.tenants().get(tenant);
        return config == null ? List.of() : config.connections().entrySet().stream()
                .filter(c -> only == null || only.equals(c.getKey())).map(c -> c.getValue().exposure()).toList();
    }

    /** Workspace names of a tenant (for gateway_info and hints). */
    public List<String> names(String tenant) {
        TenantProperties.Tenant config = properties.tenants().get(tenant);
        return config == null ? List.of() : new ArrayList<>(config.connections().keySet());
    }

    public Map<String, TenantProperties.Tenant> tenants() {
        return properties.tenants();
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
