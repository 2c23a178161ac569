package dev.lakehouse.emulator.genie;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.sql.StatementRecord;
import dev.lakehouse.emulator.sql.StatementService;
import dev.lakehouse.emulator.sql.StatementSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Genie "thinking" on the workspace's timer: one status step per {@code step-millis}, and the query of an answer
 * run as a real statement of the workspace (so its statement_id works with the Statement Execution API too).
 */
final class GenieWork {

    private static final Logger LOG = LoggerFactory.getLogger(GenieWork.class);

    private final ScheduledExecutorService scheduler;
    private final StatementService statements;
    private final GenieSettings settings;

    GenieWork(ScheduledExecutorService scheduler, StatementService statements, GenieSettings settings) {
        this.scheduler = scheduler;
        this.statements = statements;
        this.settings = settings;
    }

    void start(GenieMessage message) {
        next(message);
    }

    private long step(GenieMessage message) {
        return Math.max(1, settings.getStepMillis() * (message.plan.slow() ? settings.getSlowFactor() : 1));
    }

    private void next(GenieMessage message) {
        scheduler.schedule(() -> advance(message), step(message), TimeUnit.MILLISECONDS);
    }

    private void advance(GenieMessage message) {
        try {
            long now = System.currentTimeMillis();
            GenieMessage.Status status = message.status();
            switch (status) {
                case SUBMITTED -> moveOn(message, GenieMessage.Status.FETCHING_METADATA, now);
                case FETCHING_METADATA -> moveOn(message, GenieMessage.Status.FILTERING_CONTEXT, now);
                case FILTERING_CONTEXT -> moveOn(message, GenieMessage.Status.ASKING_AI, now);
                case ASKING_AI -> {
                    if (message.plan.fails()) {
                        message.fail("GENERIC_CHAT_COMPLETION_EXCEPTION",
                                "Genie could not generate an answer for this question.", now);
                    } else if (message.plan.query() == null) {
                        message.moveTo(GenieMessage.Status.COMPLETED, now);
                    } else {
                        moveOn(message, GenieMessage.Status.PENDING_WAREHOUSE, now);
                    }
                }
                case PENDING_WAREHOUSE -> {
                    message.moveTo(GenieMessage.Status.EXECUTING_QUERY, now);
                    StatementRecord record = run(message.space, message.plan.query().sql());
                    message.statement(record.id(), null);
                    next(message);
                }
                case EXECUTING_QUERY -> finishQuery(message, now);
                default -> {
                    // terminal: nothing more to do
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("genie message {} failed: {}", message.id, e.toString());
            message.fail("GENERIC_SQL_EXEC_API_CALL_EXCEPTION", e.getMessage(), System.currentTimeMillis());
        }
    }

    private void moveOn(GenieMessage message, GenieMessage.Status next, long now) {
        message.moveTo(next, now);
        next(message);
    }

    private void finishQuery(GenieMessage message, long now) {
        StatementRecord record = statements.get(message.statementId());
        if (!record.isTerminal()) {
            next(message);
            return;
        }
        if (record.state() == StatementRecord.State.SUCCEEDED && record.result() != null) {
            message.statement(record.id(), (long) record.result().rows().size());
            message.moveTo(GenieMessage.Status.COMPLETED, now);
        } else {
            message.fail("GENERIC_SQL_EXEC_API_CALL_EXCEPTION", "The generated query failed: "
                    + (record.error() == null ? record.state().name() : record.error().message()), now);
        }
    }

    /** The answer's SQL as a statement on the space's warehouse. */
    StatementRecord run(GenieSpace space, String sql) {
        try {
            return statements.submit(new StatementSpec(sql, space.warehouseId(), null, null, List.of(), null, null));
        } catch (ApiException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
