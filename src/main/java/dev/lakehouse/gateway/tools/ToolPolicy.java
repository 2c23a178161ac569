package dev.lakehouse.gateway.tools;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.tenant.TenantConnections;
import dev.lakehouse.gateway.tenant.TenantProperties.Exposure;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which Databricks tools a tenant's connection exposes (and the caller's token scopes allow: a Databricks tool needs
 * its group's scope when OAuth is on), and the human confirmation of state changes. Per connection
 * each tool group is {@code off}, {@code read} (only read-only tools; the default), {@code on} or {@code confirm}
 * (state-changing tools ask the human through elicitation/create first). Hidden tools are absent from tools/list and
 * answer like unknown tools.
 */
@Component("toolPolicy")
public class ToolPolicy {

    private final TenantConnections connections;
    private final Duration confirmationTimeout;
    private final boolean groupScopes;

    public ToolPolicy(TenantConnections connections,
            @Value("${gateway.mcp.client-request-timeout}") Duration confirmationTimeout,
            @Value("${gateway.identity.group-scopes:true}") boolean groupScopes) {
        this.connections = connections;
        this.confirmationTimeout = confirmationTimeout;
        this.groupScopes = groupScopes;
    }

    public static boolean isDatabricksTool(ToolDefinition tool) {
        return WorkspaceConnection.DATABRICKS_GROUPS.contains(tool.group());
    }

    public static boolean changesState(ToolDefinition tool) {
        return !Boolean.TRUE.equals(tool.annotations().get("readOnlyHint"));
    }

    public static boolean visible(ToolDefinition tool, WorkspaceConnection connection) {
        return connection != null && visible(tool, connection.exposureOf(tool.group()));
    }

    static boolean visible(ToolDefinition tool, Exposure exposure) {
        if (!isDatabricksTool(tool)) {
            return true;
        }
        return switch (exposure) {
            case OFF -> false;
            // a tool with guarded writes (execute_sql) serves reads in read mode and refuses writes itself
            case READ -> !changesState(tool) || tool.guardedWrites();
            case ON, CONFIRM -> true;
        };
    }

    /**
     * The tools this caller may see: a Databricks tool is listed when at least one of the tenant's connections
     * exposes it (a call then checks the connection it uses); hidden everywhere means absent and unknown.
     */
    @SuppressWarnings("unchecked")
    public List<ToolDefinition> filter(List<ToolDefinition> tools, Exchange exchange) {
        // a scoped MCP URL (variables set by ScopedUrls) sees its pinned connection only, its groups (as scopes,
        // whatever group-scopes says), its tool names (urlTools), and no state-changing tool when read-only
        String pinned = exchange.getVariable("pinnedConnection", String.class);
        java.util.Set<String> urlTools = exchange.getVariable("urlTools", java.util.Set.class);
        boolean urlReadOnly = Boolean.TRUE.equals(exchange.getVariable("urlReadOnly", Boolean.class));
        List<java.util.Map<String, Exposure>> exposures = connections.exposures(exchange.getVariable("tenant", String.class), pinned);
        java.util.Set<String> scopes = exchange.getVariable("scopes", java.util.Set.class);
        boolean checkScopes = groupScopes || pinned != null;
        return tools.stream().filter(t -> (urlTools == null || urlTools.contains(t.name()))
                && (!urlReadOnly || !changesState(t) || t.guardedWrites())
                && (!isDatabricksTool(t)
                        || (exposures.stream().anyMatch(e -> visible(t, e.getOrDefault(t.group(), Exposure.READ)))
                        && (scopes == null || !checkScopes || scopes.contains(t.group()))))).toList();
    }

    /**
     * Pipeline step for Databricks tools: the connection of this call (variable {@code connection}); a tool hidden
     * on it is refused; a state change on a {@code confirm} group needs the human's yes.
     */
    public void authorize(Exchange exchange) {
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        connections.resolve(exchange);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        if (!visible(tool, connection)) {
            throw new ToolExecutionException("The tool " + tool.name() + " is not enabled on workspace '"
                    + connection.name() + "'. A tenant admin can enable the '" + tool.group() + "' tools.");
        }
        if (changesState(tool) && !tool.guardedWrites() && connection.exposureOf(tool.group()) == Exposure.CONFIRM) {
            confirm(exchange, tool, connection, null);
        }
    }

    /**
     * For tools with guarded writes: a write on this connection needs the group on (or confirm, then the human's
     * yes), a connection that is not read-only, and no read-only scoped MCP URL; otherwise a tool error says why.
     */
    public void authorizeWrite(Exchange exchange, String what) {
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        if (Boolean.TRUE.equals(exchange.getVariable("urlReadOnly", Boolean.class))) {
            throw new ToolExecutionException("This MCP URL is read-only: it cannot change anything on workspace '"
                    + connection.name() + "'. " + what);
        }
        Exposure exposure = connection.exposureOf(tool.group());
        if (connection.readOnly() || exposure == Exposure.READ || exposure == Exposure.OFF) {
            throw new ToolExecutionException("Workspace '" + connection.name() + "' is read-only for agents. " + what);
        }
        if (exposure == Exposure.CONFIRM) {
            confirm(exchange, tool, connection, what);
        }
    }

    private void confirm(Exchange exchange, ToolDefinition tool, WorkspaceConnection connection, String what) {
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        if (call.isStateless() && !call.clientSupportsElicitation("form")) {
            // 2026-07-28: a request that needs a capability it did not declare is -32021, with the same advice
            throw new dev.lakehouse.gateway.mcp.MissingClientCapabilityException("elicitation", "The tool " + tool.name()
                    + " changes state on workspace '" + connection.name() + "' and needs a human's confirmation: call it "
                    + "with the 'elicitation' client capability, or ask a tenant admin to set the '" + tool.group()
                    + "' tools to 'on' for this workspace.");
        }
        if (!call.clientSupportsElicitation("form")) {
            throw new ToolExecutionException("The tool " + tool.name() + " changes state on workspace '" + connection.name()
                    + "' and needs a human's confirmation, but this MCP client does not support elicitation. "
                    + "Use a client that can ask the user, or ask a tenant admin to set the '" + tool.group()
                    + "' tools to 'on' for this workspace.");
        }
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("confirm", Map.of("type", "boolean", "title", "Allow this action",
                "description", "Yes runs " + tool.name() + " now")));
        schema.put("required", List.of("confirm"));
        String message = "An agent wants to run " + tool.name() + " (" + tool.title() + ") on Databricks workspace '"
                + connection.name() + "' with arguments " + arguments + (what == null ? "" : " — " + what) + ". Allow it?";
        JsonNode answer = call.askClient("elicitation/create", "elicitation",
                Map.of("message", message, "requestedSchema", schema), confirmationTimeout);
        boolean yes = "accept".equals(answer.path("action").asText()) && answer.path("content").path("confirm").asBoolean(false);
        if (!yes) {
            throw new ToolExecutionException("The user did not allow " + tool.name() + " (answer: "
                    + answer.path("action").asText("none") + "). Nothing was changed. Do not retry unless the user asks.");
        }
    }
}
