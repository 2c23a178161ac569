package dev.lakehouse.gateway.vault;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.lakehouse.gateway.tools.ToolExecutionException;

/**
 * A tool call on a connection that cannot serve: an {@code isError} result that says what happened and what the
 * human must do, with {@code structuredContent.connection = {name, status, reason, action}} for agents that read it.
 * The connect page of issue 10 adds {@code connect_url} through {@link #withDetail}.
 */
public class ConnectionUnavailableException extends ToolExecutionException {

    private final String connection;
    private final ConnectionStatus status;
    private final String reason;
    private final String action;
    private final Map<String, Object> details = new LinkedHashMap<>();

    public ConnectionUnavailableException(String connection, ConnectionStatus status, String reason, String action) {
        super("Workspace connection '" + connection + "' is " + status.wire() + ": " + reason
                + (action == null ? "" : " What to do: " + action));
        this.connection = connection;
        this.status = status;
        this.reason = reason;
        this.action = action;
    }

    /** A person can repair it by signing in at the workspace (a U2M grant missing or refused). */
    public boolean reconnectable() {
        return status == ConnectionStatus.PENDING || status == ConnectionStatus.NEEDS_REAUTH;
    }

    /** The text for the agent, with the link its human opens when there is one. */
    @Override
    public String getMessage() {
        Object url = details.get("connect_url");
        return url == null ? super.getMessage() : super.getMessage() + " Link for the person: " + url;
    }

    public String reason() {
        return reason;
    }

    public ConnectionStatus status() {
        return status;
    }

    public String connection() {
        return connection;
    }

    /** Adds a field to {@code structuredContent.connection} (e.g. connect_url, retry_after_seconds). */
    public ConnectionUnavailableException withDetail(String key, Object value) {
        details.put(key, value);
        return this;
    }

    @Override
    public Map<String, Object> structured() {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("name", connection);
        about.put("status", status.wire());
        about.put("reason", reason);
        about.put("action", action);
        about.putAll(details);
        return Map.of("connection", about);
    }
}
