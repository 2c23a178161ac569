package dev.lakehouse.gateway.connect;

import java.util.List;
import java.util.Map;

import dev.lakehouse.gateway.mcp.InputRequiredException;
import dev.lakehouse.gateway.mcp.JsonRpcException;
import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.mcp.McpSession;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.vault.ConnectionUnavailableException;
import dev.lakehouse.gateway.vault.VaultConnection;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Step of a failed tool call (routes/21-mcp-tools.camel.yaml): when the call needs a person to sign in at the
 * workspace (a U2M grant missing or refused), hand the agent a reconnect link. A 2025-11-25 client that declared
 * {@code elicitation.url} gets JSON-RPC error -32042 (URLElicitationRequiredError) carrying the link, and later
 * {@code notifications/elicitation/complete}; a 2026-07-28 request that declared {@code elicitation.url} gets an
 * InputRequiredResult whose input request is the same URL elicitation (the client retries once the person is back);
 * any other client gets the isError result with the link in its text and in
 * {@code structuredContent.connection.connect_url}. The link's page lets only the same person (or a tenant admin) in.
 */
@Component("connectLinks")
public class ConnectLinks {

    /** MCP 2025-11-25 URLElicitationRequiredError. */
    public static final int URL_ELICITATION_REQUIRED = -32042;

    /** 2026-07-28: the key of the sign-in link in an InputRequiredResult's inputRequests. */
    public static final String CONNECT_INPUT = "connect_workspace";

    private final ConnectFlow flow;

    public ConnectLinks(ConnectFlow flow) {
        this.flow = flow;
    }

    public void offer(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        if (!(caught instanceof ConnectionUnavailableException unavailable) || !unavailable.reconnectable()
                || connection == null || !connection.fromVault()
                || !VaultConnection.U2M.equals(connection.vault().authMethod())) {
            return;
        }
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        McpSession session = call == null ? null : call.session();
        String url = flow.elicitationUrl(connection.tenant(), connection.name(), exchange.getVariable("subject", String.class),
                session == null ? null : session.id());
        unavailable.withDetail("connect_url", url);
        if (call == null || !call.clientSupportsElicitation("url")) {
            return;
        }
        Map<String, Object> elicitation = Map.of("mode", "url", "elicitationId", url.substring(url.lastIndexOf('/') + 1),
                "url", url, "message", "Connect your Databricks account for workspace '" + connection.name() + "': "
                        + unavailable.reason());
        if (call.isStateless()) {
            // asked again on every retry until the grant exists: the answer only says the person went to the page
            call.endRoundAsking(Map.of(CONNECT_INPUT, new InputRequiredException.InputRequest("elicitation/create",
                    elicitation)));
        }
        throw new JsonRpcException(URL_ELICITATION_REQUIRED, "This request needs you to connect your Databricks "
                + "account first.", Map.of("elicitations", List.of(elicitation)));
    }
}
