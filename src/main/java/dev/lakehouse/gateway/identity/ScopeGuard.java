package dev.lakehouse.gateway.identity;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.mcp.IncomingMessage;
import dev.lakehouse.gateway.mcp.JsonRpcErrors;
import dev.lakehouse.gateway.mcp.McpTransportException;
import dev.lakehouse.gateway.tools.ToolCatalog;
import dev.lakehouse.gateway.tools.ToolDefinition;
import dev.lakehouse.gateway.tools.ToolPolicy;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * With OAuth, a Databricks tool needs its group's scope (catalog, sql, jobs, compute, warehouses). A tools/call
 * without it gets HTTP 403 insufficient_scope naming the scope, so the client can ask the user for it (step-up).
 */
@Component("scopeGuard")
public class ScopeGuard {

    private final ToolCatalog catalog;
    private final ProtectedResourceMetadata metadata;
    private final IdentityProperties identity;

    public ScopeGuard(ToolCatalog catalog, ProtectedResourceMetadata metadata, IdentityProperties identity) {
        this.catalog = catalog;
        this.metadata = metadata;
        this.identity = identity;
    }

    /** Whether the caller's scopes (null: no restriction) allow this tool. */
    public static boolean allows(Set<String> scopes, ToolDefinition tool, boolean groupScopes) {
        return scopes == null || !groupScopes || !ToolPolicy.isDatabricksTool(tool) || scopes.contains(tool.group());
    }

    @SuppressWarnings("unchecked")
    public void checkToolCall(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        Set<String> scopes = exchange.getVariable("scopes", Set.class);
        // a scoped MCP URL has no token to step up: a tool outside its groups answers like an unknown tool
        if (scopes == null || !"tools/call".equals(message.method()) || exchange.getVariable("pinnedConnection") != null) {
            return;
        }
        JsonNode name = message.params().get("name");
        ToolDefinition tool = name == null ? null : catalog.all().get(name.asText());
        if (tool != null && !allows(scopes, tool, identity.groupScopes())) {
            String description = "The tool " + tool.name() + " needs the scope " + tool.group();
            throw new McpTransportException(403, JsonRpcErrors.TRANSPORT_ERROR, "Forbidden: insufficient_scope: " + description,
                    Map.of("requiredScope", tool.group()), Map.of("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\""
                            + tool.group() + "\", resource_metadata=\"" + metadata.metadataUrl() + "\", error_description=\""
                            + description + "\""));
        }
    }
}
