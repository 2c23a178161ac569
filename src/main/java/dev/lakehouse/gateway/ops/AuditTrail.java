package dev.lakehouse.gateway.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lakehouse.gateway.db.SqlTime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where audit records go: a JSON line on the logger {@code gateway.audit} at once, and the table {@code audit_events}
 * of the gateway database in batches, written by one background thread so a call never waits for the database (a
 * full queue drops records and counts them: {@code gateway.audit.dropped}). The writer wakes once per
 * {@code audit-write-interval} and writes what queued meanwhile in one transaction: waking it per record made one
 * small transaction and two thread hand-offs per call, which halved the throughput of a trivial tool. Rows older
 * than the retention are deleted hourly. Read back per tenant (the admin API), newest first.
 */
@Component
public class AuditTrail implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("gateway.audit");
    private static final int BATCH = 500;
    private static final long PURGE_EVERY_MILLIS = 3_600_000L;
    private static final String INSERT = "INSERT INTO audit_events (at, request_id, tenant, subject, client, kind, action, "
            + "tool_group, connection, workspace, outcome, error_class, duration_ms, result_rows, result_bytes, "
            + "statement_id, sql_hash, sql_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final JdbcTemplate jdbc;
    private final ObservabilityProperties properties;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final BlockingQueue<AuditEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** Records queued so far, and those the writer has finished with (stored or lost): flush waits for the gap. */
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;
    private long lastPurge;

    public AuditTrail(JdbcTemplate jdbc, ObservabilityProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.queue = new LinkedBlockingQueue<>(Math.max(1, properties.auditQueueCapacity()));
        FunctionCounter.builder("gateway.audit.dropped", dropped, AtomicLong::get)
                .description("audit records dropped because the database writer fell behind").register(registry);
        FunctionCounter.builder("gateway.audit.written", written, AtomicLong::get)
                .description("audit records stored in the gateway database").register(registry);
        this.writer = new Thread(this::writeLoop, "audit-writer");
        writer.setDaemon(true);
        if (properties.auditEnabled()) {
            writer.start();
        }
    }

    /** Records one event: the JSON line now, the row soon. Never blocks, never throws. */
    public void record(AuditEvent event) {
        if (!properties.auditEnabled()) {
            return;
        }
        if (properties.auditLog() && AUDIT.isInfoEnabled()) {
            try {
                logLine(event.requestId(), json.writeValueAsString(event));
            } catch (JsonProcessingException e) {
                LOG.debug("audit line not written: {}", e.toString());
            }
        }
        if (queue.offer(event)) {
            queued.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /**
     * The JSON line, with the record's request id in the MDC ({@code request_id}: a field of its own in structured
     * logs). Usually the MDC holds it already (the request's thread or the call's worker); it is set only for the line
     * otherwise — a key-value pair beside an MDC entry of the same name makes Spring Boot's ECS writer drop the line.
     */
    private static void logLine(String requestId, String line) {
        String before = MDC.get(RequestIds.MDC_KEY);
        if (requestId == null || requestId.equals(before)) {
            AUDIT.info(line);
            return;
        }
        MDC.put(RequestIds.MDC_KEY, requestId);
        try {
            AUDIT.info(line);
        } finally {
            if (before == null) {
                MDC.remove(RequestIds.MDC_KEY);
            } else {
                MDC.put(RequestIds.MDC_KEY, before);
            }
        }
    }

    /** The tenant's records, newest first: at most {@code limit}, optionally only since an instant, of one outcome or tool. */
    public List<Map<String, Object>> query(String tenant, Instant since, String tool, String outcome, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE tenant = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (since != null) {
            sql.append(" AND at >= ?");
            args.add(SqlTime.of(since));
        }
        if (tool != null) {
            sql.append(" AND action = ?");
            args.add(tool);
        }
        if (outcome != null) {
            sql.append(" AND outcome = ?");
            args.add(outcome);
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", SqlTime.read(rs, "at").toString());
            for (String column : List.of("request_id", "subject", "client", "kind", "action", "tool_group", "connection",
                    "workspace", "outcome", "error_class")) {
                row.put(column, rs.getString(column));
            }
            row.put("duration_ms", rs.getLong("duration_ms"));
            row.put("rows", rs.getObject("result_rows"));
            row.put("bytes", rs.getObject("result_bytes"));
            row.put("statement_id", rs.getString("statement_id"));
            row.put("sql_hash", rs.getString("sql_hash"));
            row.put("sql_text", rs.getString("sql_text"));
            return row;
        }, args.toArray());
    }

    /** Wakes the writer and waits until every record queued so far is settled (tests, shutdown); false on timeout. */
    public boolean flush(long timeoutMillis) throws InterruptedException {
        long target = queued.get();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        LockSupport.unpark(writer);
        while (settled.get() < target) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void writeLoop() {
        long interval = properties.auditWriteInterval().toNanos();
        while (!closed && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(this, interval);   // flush() unparks it early
            try {
                writeQueued();
                purgeWhenDue();
            } catch (RuntimeException e) {
                LOG.warn("audit records not stored ({}); they are in the gateway.audit log lines", e.toString());
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** Everything queued, in batches of at most {@link #BATCH}; a batch the database refuses is lost and counted. */
    private void writeQueued() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (queue.drainTo(batch, BATCH) > 0) {
            try {
                write(batch);
            } catch (RuntimeException e) {
                dropped.addAndGet(batch.size());
                throw e;
            } finally {
                settled.addAndGet(batch.size());
                batch.clear();
            }
        }
    }

    private void write(List<AuditEvent> batch) {
        jdbc.batchUpdate(INSERT, batch, batch.size(), (ps, e) -> {
            ps.setObject(1, SqlTime.of(e.at()));
            ps.setString(2, e.requestId());
            ps.setString(3, e.tenant());
            ps.setString(4, e.subject());
            ps.setString(5, e.client());
            ps.setString(6, e.kind());
            ps.setString(7, e.action());
            ps.setString(8, e.toolGroup());
            ps.setString(9, e.connection());
            ps.setString(10, e.workspace());
            ps.setString(11, e.outcome());
            ps.setString(12, e.errorClass());
            ps.setLong(13, e.durationMs());
            ps.setObject(14, e.rows());
            ps.setObject(15, e.bytes());
            ps.setString(16, e.statementId());
            ps.setString(17, e.sqlHash());
            ps.setString(18, e.sqlText());
        });
        written.addAndGet(batch.size());
    }

    private void purgeWhenDue() {
        long now = System.currentTimeMillis();
        if (now - lastPurge < PURGE_EVERY_MILLIS) {
            return;
        }
        lastPurge = now;
        int deleted = jdbc.update("DELETE FROM audit_events WHERE at < ?",
                SqlTime.of(Instant.ofEpochMilli(now).minus(properties.auditRetention())));
        if (deleted > 0) {
            LOG.info("deleted {} audit records older than {}", deleted, properties.auditRetention());
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        flush(2000);
        closed = true;
        writer.interrupt();
    }
}
