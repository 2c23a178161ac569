package dev.lakehouse.emulator.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lakehouse.emulator.EmulatorProperties;
import dev.lakehouse.emulator.http.ApiException;

/**
 * Runs statements on the workspace's DuckDB on a bounded pool and keeps them for polling:
 * results are dropped (CLOSED) after the retention and the statement forgotten (404) later.
 * Cancel flips the state at once, then stops the JDBC statement and the worker thread.
 */
public final class StatementService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatementService.class);
    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\s*\\(\\s*\\d+\\s*(,\\s*\\d+\\s*)?\\)");
    private static final Map<String, String> PARAMETER_TYPES = Map.ofEntries(
            Map.entry("STRING", "VARCHAR"), Map.entry("VARCHAR", "VARCHAR"), Map.entry("CHAR", "VARCHAR"),
            Map.entry("INT", "INTEGER"), Map.entry("INTEGER", "INTEGER"),
            Map.entry("BIGINT", "BIGINT"), Map.entry("LONG", "BIGINT"),
            Map.entry("SMALLINT", "SMALLINT"), Map.entry("SHORT", "SMALLINT"),
            Map.entry("TINYINT", "TINYINT"), Map.entry("BYTE", "TINYINT"),
            Map.entry("DOUBLE", "DOUBLE"), Map.entry("FLOAT", "FLOAT"), Map.entry("REAL", "FLOAT"),
            Map.entry("BOOLEAN", "BOOLEAN"), Map.entry("DATE", "DATE"),
            Map.entry("TIMESTAMP", "TIMESTAMP"), Map.entry("TIMESTAMP_LTZ", "TIMESTAMP"),
            Map.entry("TIMESTAMP_NTZ", "TIMESTAMP"), Map.entry("BINARY", "BLOB"),
            Map.entry("DECIMAL", "DECIMAL(10,0)"), Map.entry("INTERVAL", "INTERVAL"), Map.entry("VOID", "VARCHAR"));

    private final DuckDbEngine engine;
    private final WarehouseGate warehouses;
    private final EmulatorProperties.Sql config;
    private final Map<String, StatementRecord> statements = new ConcurrentHashMap<>();
    private final ExecutorService workers;

    public StatementService(String workspaceName, DuckDbEngine engine, WarehouseGate warehouses,
                            EmulatorProperties.Sql config, ScheduledExecutorService scheduler) {
        this.engine = engine;
        this.warehouses = warehouses;
        this.config = config;
        this.workers = Executors.newFixedThreadPool(Math.max(1, config.getMaxConcurrentStatements()),
                daemonThreads("emu-" + workspaceName + "-sql-"));
        scheduler.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Validates and queues a statement; request errors are thrown as 400/404 before anything runs. */
    public StatementRecord submit(StatementSpec spec) {
        warehouses.requireExists(spec.warehouseId());
        Map<String, String> types = parameterTypes(spec.parameters());
        StatementRecord record = new StatementRecord(spec);
        statements.put(record.id(), record);
        record.future(workers.submit(() -> execute(record, types)));
        LOG.debug("statement {} queued on warehouse {}", record.id(), spec.warehouseId());
        return record;
    }

    /** The statement, closing it after the retention and forgetting it (404) after forget-after. */
    public StatementRecord get(String id) {
        StatementRecord record = statements.get(id);
        if (record != null && expire(record)) {
            record = null;
        }
        if (record == null) {
            throw ApiException.notFound("NOT_FOUND", "Statement " + id + " not found");
        }
        return record;
    }

    public void cancel(StatementRecord record) {
        if (!record.cancel()) {
            return;
        }
        Statement jdbc = record.activeJdbc();
        if (jdbc != null) {
            try {
                jdbc.cancel();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("cancel of statement {} raced with its end: {}", record.id(), e.toString());
            }
        }
        if (record.future() != null) {
            record.future().cancel(true);
        }
        LOG.debug("statement {} cancelled", record.id());
    }

    private boolean expire(StatementRecord record) {
        if (!record.isTerminal()) {
            return false;
        }
        long age = System.currentTimeMillis() - record.finishedAtMillis();
        if (age >= config.getForgetAfter().toMillis()) {
            statements.remove(record.id());
            return true;
        }
        if (age >= config.getResultRetention().toMillis()) {
            record.close();
        }
        return false;
    }

    private void sweep() {
        statements.values().forEach(this::expire);
    }

    private void execute(StatementRecord record, Map<String, String> types) {
        StatementSpec spec = record.spec();
        try {
            Thread.sleep(config.getPendingTime().toMillis());
            warehouses.awaitRunning(spec.warehouseId(), record::cancelRequested);
            if (!record.markRunning()) {
                return;
            }
            SqlTranslator.Translation translation = engine.translator().translate(spec.statement(), types::get);
            try (Connection connection = engine.openSession(spec.catalog(), spec.schema())) {
                ResultTable table = SleepFunction.withCancelFlag(record::cancelRequested,
                        () -> run(connection, translation, spec, record));
                record.succeed(table);
            }
        } catch (InterruptedException e) {
            record.cancel();
        } catch (SqlTranslator.UnboundParameterException e) {
            record.fail(new SqlErrorMapper.SqlError("BAD_REQUEST", e.getMessage(), "42P02"));
        } catch (ResultTooLargeException e) {
            record.fail(new SqlErrorMapper.SqlError("BAD_REQUEST", e.getMessage(), "54000"));
        } catch (SQLException e) {
            if (record.cancelRequested()) {
                record.cancel();
            } else {
                record.fail(SqlErrorMapper.map(e, engine.names()));
            }
        } catch (RuntimeException e) {
            LOG.warn("statement {} failed unexpectedly", record.id(), e);
            record.fail(new SqlErrorMapper.SqlError("INTERNAL_ERROR", "Internal error: " + e.getClass().getSimpleName(), "XX000"));
        }
    }

    private ResultTable run(Connection connection, SqlTranslator.Translation translation, StatementSpec spec,
                            StatementRecord record) throws SQLException {
        String sql = translation.sql();
        Map<String, StatementSpec.Parameter> byName = new HashMap<>();
        if (spec.parameters() != null) {
            spec.parameters().forEach(p -> byName.put(p.name(), p));
        }
        boolean parameterized = !translation.parameterOrder().isEmpty();
        try (Statement statement = parameterized ? connection.prepareStatement(sql) : connection.createStatement()) {
            record.activeJdbc(statement);
            if (record.cancelRequested()) {
                throw new SQLException("cancelled before start");
            }
            boolean hasResultSet;
            if (parameterized) {
                PreparedStatement prepared = (PreparedStatement) statement;
                for (int i = 0; i < translation.parameterOrder().size(); i++) {
                    StatementSpec.Parameter p = byName.get(translation.parameterOrder().get(i));
                    if (p.value() == null) {
                        prepared.setNull(i + 1, java.sql.Types.VARCHAR);
                    } else {
                        prepared.setString(i + 1, p.value());
                    }
                }
                hasResultSet = prepared.execute();
            } else {
                hasResultSet = statement.execute(sql);
            }
            if (!hasResultSet) {
                return dmlResult(sql, statement.getUpdateCount());
            }
            try (ResultSet rs = statement.getResultSet()) {
                return read(rs, spec, record);
            }
        } finally {
            record.activeJdbc(null);
        }
    }

    private ResultTable read(ResultSet rs, StatementSpec spec, StatementRecord record) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<ResultTable.Column> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(new ResultTable.Column(columnName(md.getColumnLabel(i)), DuckTypeMapper.map(md.getColumnTypeName(i))));
        }
        List<String[]> rows = new ArrayList<>();
        long bytes = 0;
        boolean truncated = false;
        while (rs.next()) {
            if (spec.rowLimit() != null && rows.size() >= spec.rowLimit()) {
                truncated = true;
                break;
            }
            String[] row = new String[columns.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = ValueFormatter.format(rs, i + 1, columns.get(i).type());
            }
            long size = ValueFormatter.byteSize(row);
            if (spec.byteLimit() != null && bytes + size > spec.byteLimit()) {
                truncated = true;
                break;
            }
            if (bytes + size > config.getInlineByteLimit()) {
                throw new ResultTooLargeException(config.getInlineByteLimit());
            }
            rows.add(row);
            bytes += size;
            if ((rows.size() & 1023) == 0 && record.cancelRequested()) {
                throw new SQLException("cancelled while reading");
            }
        }
        return new ResultTable(columns, rows, truncated, config.getChunkRows());
    }

    /** Generated column names as Databricks would print them, without the internal catalog names. */
    private String columnName(String label) {
        return engine.names().unmapMessage(label).replace("count_star()", "count(1)");
    }

    /** DML answers like Databricks: a one-row result with the affected-row counts. */
    private ResultTable dmlResult(String sql, int updateCount) {
        String keyword = firstKeyword(sql);
        SqlType bigint = DuckTypeMapper.map("BIGINT");
        String count = String.valueOf(Math.max(0, updateCount));
        return switch (keyword) {
            case "INSERT" -> new ResultTable(List.of(new ResultTable.Column("num_affected_rows", bigint),
                    new ResultTable.Column("num_inserted_rows", bigint)),
                    List.<String[]>of(new String[] {count, count}), false, config.getChunkRows());
            case "UPDATE", "DELETE", "MERGE" -> new ResultTable(List.of(new ResultTable.Column("num_affected_rows", bigint)),
                    List.<String[]>of(new String[] {count}), false, config.getChunkRows());
            default -> new ResultTable(List.of(), List.of(), false, config.getChunkRows());
        };
    }

    private static String firstKeyword(String sql) {
        String trimmed = sql.replaceAll("(?s)^(\\s|--[^\\n]*\\n|/\\*.*?\\*/)*", "");
        int end = 0;
        while (end < trimmed.length() && Character.isLetter(trimmed.charAt(end))) {
            end++;
        }
        return trimmed.substring(0, end).toUpperCase(Locale.ROOT);
    }

    /** DuckDB type each named parameter is cast to; unknown types are a 400 like on Databricks. */
    private static Map<String, String> parameterTypes(List<StatementSpec.Parameter> parameters) {
        Map<String, String> types = new HashMap<>();
        if (parameters == null) {
            return types;
        }
        for (StatementSpec.Parameter p : parameters) {
            if (p.name() == null || p.name().isEmpty()) {
                throw ApiException.invalidParameter("Parameter name must not be empty");
            }
            String type = p.type() == null || p.type().isBlank() ? "STRING" : p.type().trim().toUpperCase(Locale.ROOT);
            String duck = DECIMAL.matcher(type).matches() ? type : PARAMETER_TYPES.get(type);
            if (duck == null) {
                throw ApiException.invalidParameter("Unsupported type '" + p.type() + "' for parameter '" + p.name()
                        + "'. ARRAY, MAP and STRUCT parameters are not supported");
            }
            types.put(p.name(), duck);
        }
        return types;
    }

    /** Raised when an INLINE result would exceed the inline byte limit. */
    static final class ResultTooLargeException extends RuntimeException {
        ResultTooLargeException(long limit) {
            super("Statement result is larger than the INLINE limit of " + limit
                    + " bytes; use row_limit, byte_limit or a more selective query", null, false, false);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
