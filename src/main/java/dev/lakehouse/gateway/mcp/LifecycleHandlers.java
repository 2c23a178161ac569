package dev.lakehouse.gateway.mcp;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.content.ContentCatalog;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** initialize, ping, logging/setLevel and notifications/initialized: the session-level methods; server/discover. */
@Component("mcpLifecycle")
public class LifecycleHandlers {

    private final SessionRegistry sessions;
    private final McpProperties properties;
    private final ContentCatalog content;
    private final RevisionRules revisionRules;

    public LifecycleHandlers(SessionRegistry sessions, McpProperties properties, ContentCatalog content,
            RevisionRules revisionRules) {
        this.sessions = sessions;
        this.properties = properties;
        this.content = content;
        this.revisionRules = revisionRules;
    }

    public Map<String, Object> initialize(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        JsonNode requested = message.params().get("protocolVersion");
        if (requested == null || !requested.isTextual()) {
            throw JsonRpcException.invalidParams("initialize: params.protocolVersion (string) is required");
        }
        JsonNode capabilities = message.params().path("capabilities");
        if (!capabilities.isObject()) {
            throw JsonRpcException.invalidParams("initialize: params.capabilities must be an object");
        }
        String version = ProtocolVersions.negotiate(requested.asText());
        McpSession session = sessions.create(exchange.getVariable("caller", String.class), version, capabilities,
                message.params().path("clientInfo"));
        call.createdSession(session);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", version);
        result.put("capabilities", capabilities());
        result.put("serverInfo", revisionRules.serverInfo());
        if (properties.instructions() != null && !properties.instructions().isBlank()) {
            result.put("instructions", properties.instructions());
        }
        return result;
    }

    /** What we offer: resources, prompts and completions only when the content catalog has any. */
    Map<String, Object> capabilities() {
        Map<String, Object> capabilities = new LinkedHashMap<>();
        capabilities.put("tools", Map.of("listChanged", false));
        capabilities.put("logging", Map.of());
        if (content.hasPrompts() || content.hasResources()) {
            capabilities.put("completions", Map.of());
        }
        if (content.hasResources()) {
            capabilities.put("resources", Map.of("subscribe", true, "listChanged", false));
        }
        if (content.hasPrompts()) {
            capabilities.put("prompts", Map.of("listChanged", false));
        }
        return capabilities;
    }

    /** server/discover (2026-07-28): what initialize told a session client, for any request of any replica. */
    public Map<String, Object> discover(Exchange exchange) {
        return revisionRules.discover(capabilities());
    }

    public Map<String, Object> ping() {
        return Map.of();
    }

    public Map<String, Object> setLogLevel(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpSession session = exchange.getVariable("mcpSession", McpSession.class);
        LogLevel level = LogLevel.fromWire(message.params().path("level").asText(null));
        if (level == null) {
            throw JsonRpcException.invalidParams("logging/setLevel: level must be one of debug, info, notice, "
                    + "warning, error, critical, alert, emergency");
        }
        session.logLevel(level);
        return Map.of();
    }

    public void initialized(Exchange exchange) {
        exchange.getVariable("mcpSession", McpSession.class).markInitialized();
    }

    public void endSession(Exchange exchange) {
        sessions.end(exchange.getVariable("mcpSession", McpSession.class));
    }

    /** GET: the session's stream for server-initiated messages, or the rest of a stream named by Last-Event-ID. */
    public void openStream(Exchange exchange) {
        McpSession session = exchange.getVariable("mcpSession", McpSession.class);
        String lastEventId = exchange.getIn().getHeader("Last-Event-ID", String.class);
        exchange.setVariable("mcpReply", McpReply.sse(sessions.openGetStream(session, lastEventId)));
    }
}
