package dev.lakehouse.gateway.vault;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records what happens to connections (table {@code vault_events}, metadata only) and hands each event to the
 * listeners (the webhook outbox). One event per incident: callers record a status change only when the status
 * changed, and only the instance whose fenced write succeeded records it.
 */
@Component
public class ConnectionEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionEvents.class);

    private final ConnectionRepository repository;
    private final Clock clock;
    private final List<Consumer<ConnectionEvent>> listeners = new CopyOnWriteArrayList<>();

    public ConnectionEvents(ConnectionRepository repository, Clock vaultClock) {
        this.repository = repository;
        this.clock = vaultClock;
    }

    /** Called for every recorded event, in the recording thread (inside its transaction when there is one). */
    public void listen(Consumer<ConnectionEvent> listener) {
        listeners.add(listener);
    }

    public ConnectionEvent record(String tenant, String connection, String subject, String type, ConnectionStatus status,
            String reason, String action) {
        ConnectionEvent event = new ConnectionEvent(UUID.randomUUID().toString(), tenant, connection,
                subject == null || subject.isEmpty() ? null : subject, type, status, reason, action, clock.instant());
        repository.insert(event);
        LOG.info("connection {}/{}{}: {} -> {}", tenant, connection, event.subject() == null ? "" : " (user grant)", type,
                status.wire());
        listeners.forEach(listener -> listener.accept(event));
        return event;
    }
}
