package dev.lakehouse.gateway.connect;

import java.time.Clock;

import dev.lakehouse.gateway.mcp.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells the agent that started a reconnect link that the person finished it: {@code notifications/elicitation/complete}
 * on the MCP session's GET stream (MCP 2025-11-25). Only the session that received the link is told, once.
 */
@Component
public class ElicitationNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(ElicitationNotifier.class);

    private final ConnectStore store;
    private final SessionRegistry sessions;
    private final Clock clock;

    public ElicitationNotifier(ConnectStore store, SessionRegistry sessions, Clock vaultClock) {
        this.store = store;
        this.sessions = sessions;
        this.clock = vaultClock;
    }

    /** Marks the link completed and notifies its session; false when it was completed before or is unknown. */
    public boolean complete(String elicitationId) {
        ConnectStore.Elicitation e = store.elicitation(elicitationId).orElse(null);
        if (e == null || !store.complete(elicitationId, clock.instant())) {
            return false;
        }
        boolean sent = sessions.notifySession(e.mcpSessionId(),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/elicitation/complete\",\"params\":{\"elicitationId\":\""
                        + elicitationId + "\"}}");
        // without an open GET stream here, the replica that has one sends it (with replicas), or it waits for the
        // client's next GET (one process)
        LOG.info("reconnect link of {}/{} completed (client notified now: {})", e.tenant(), e.connection(), sent);
        return true;
    }
}
