package dev.lakehouse.gateway.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.mcp.McpProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The gateway_info tool: tells an agent which gateway it talks to and what it offers. */
@Component("gatewayInfoTool")
public class GatewayInfoTool {

    private final McpProperties properties;
    private final ToolCatalog catalog;
    private final dev.lakehouse.gateway.tenant.TenantConnections connections;

    private final ToolDisclosure disclosure;

    public GatewayInfoTool(McpProperties properties, ToolCatalog catalog, dev.lakehouse.gateway.tenant.TenantConnections connections,
            ToolDisclosure disclosure) {
        this.properties = properties;
        this.catalog = catalog;
        this.connections = connections;
        this.disclosure = disclosure;
    }

    public Map<String, Object> describe(Exchange exchange) {
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        Map<String, Integer> groups = new TreeMap<>();
        catalog.visibleTools(exchange).forEach(t -> groups.merge(t.group(), 1, Integer::sum));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("server", properties.serverName());
        info.put("version", properties.serverVersion());
        info.put("protocolVersion", call.session() != null ? call.session().protocolVersion()
                : exchange.getVariable(dev.lakehouse.gateway.mcp.RevisionRules.VARIABLE, String.class));
        info.put("tenant", exchange.getVariable("tenant", String.class));
        // names only: hosts and credentials of a tenant's connections are not for agents
        info.put("workspaces", connections.names(exchange.getVariable("tenant", String.class)));
        info.put("workspaceClouds", connections.clouds(exchange.getVariable("tenant", String.class)));
        info.put("toolGroups", groups);
        info.put("listedGroups", disclosure.listedGroups(exchange));
        return info;
    }
}
