package dev.lakehouse.gateway.databricks.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import dev.lakehouse.gateway.databricks.DatabricksProperties;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The result side of the SQL pipeline: fetch chunks until the row cap (never more), cap the rendered bytes, and
 * answer with structuredContent {columns, rows, row_count, total_row_count, truncated, statement_id, next_page}
 * plus a compact text (a markdown table or CSV, whichever is smaller) that states truncation. Rows pass through;
 * nothing is kept after the call.
 */
@Component("sqlResults")
public class SqlResults {

    private final DatabricksProperties.Sql sql;

    public SqlResults(DatabricksProperties properties) {
        this.sql = properties.sql();
    }

    public boolean succeeded(Exchange exchange) {
        return "SUCCEEDED".equals(exchange.getVariable("sqlState", String.class));
    }

    /** Rows wanted: from offset {@code page} (0 for execute_sql), at most row_limit (capped). */
    public void start(Exchange exchange) {
        JsonNode args = exchange.getVariable("toolArguments", JsonNode.class);
        JsonNode statement = exchange.getVariable("sqlStatement", JsonNode.class);
        long offset = Math.max(0, args.path("page").asLong(0));
        int limit = Math.max(1, Math.min(args.path("row_limit").asInt(sql.defaultRowLimit()), sql.maxRowLimit()));
        exchange.setVariable("sqlOffset", offset);
        exchange.setVariable("sqlLimit", limit);
        exchange.setVariable("sqlRows", new ArrayList<List<String>>());
        exchange.setVariable("sqlNextChunk", chunkCovering(statement.path("manifest").path("chunks"), offset));
        JsonNode first = statement.path("result");
        if (first.has("data_array") && covers(first, offset)) {
            take(exchange, first);
        }
    }

    private static Integer chunkCovering(JsonNode chunks, long offset) {
        for (JsonNode chunk : chunks) {
            if (covers(chunk, offset)) {
                return chunk.path("chunk_index").asInt();
            }
        }
        return null;
    }

    private static boolean covers(JsonNode chunk, long offset) {
        long start = chunk.path("row_offset").asLong(0);
        return offset >= start && offset < start + chunk.path("row_count").asLong(0);
    }

    @SuppressWarnings("unchecked")
    public boolean needsChunk(Exchange exchange) {
        List<List<String>> rows = exchange.getVariable("sqlRows", List.class);
        return exchange.getVariable("sqlNextChunk", Integer.class) != null && rows.size() < exchange.getVariable("sqlLimit", Integer.class);
    }

    public void chunkRequest(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", SqlStatements.STATEMENTS + "/" + exchange.getVariable("sqlStatementId", String.class)
                + "/result/chunks/" + exchange.getVariable("sqlNextChunk", Integer.class), null, null,
                "The results expired; run the query again.");
    }

    public void addChunk(Exchange exchange) {
        take(exchange, exchange.getVariable("dbResponse", JsonNode.class));
    }

    /** Keeps the chunk's rows that fall in [offset, offset + limit) and notes the next chunk. */
    @SuppressWarnings("unchecked")
    private static void take(Exchange exchange, JsonNode chunk) {
        List<List<String>> rows = exchange.getVariable("sqlRows", List.class);
        long offset = exchange.getVariable("sqlOffset", Long.class);
        int limit = exchange.getVariable("sqlLimit", Integer.class);
        long row = chunk.path("row_offset").asLong(0);
        for (JsonNode values : chunk.path("data_array")) {
            if (row >= offset && rows.size() < limit) {
                List<String> copy = new ArrayList<>();
                values.forEach(v -> copy.add(v.isNull() ? null : v.asText()));
                rows.add(copy);
            }
            row++;
        }
        exchange.setVariable("sqlNextChunk", chunk.hasNonNull("next_chunk_index") ? chunk.get("next_chunk_index").asInt() : null);
    }

    /** The answer for a SUCCEEDED statement. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> render(Exchange exchange) {
        JsonNode statement = exchange.getVariable("sqlStatement", JsonNode.class);
        JsonNode manifest = statement.path("manifest");
        List<Map<String, String>> columns = new ArrayList<>();
        for (JsonNode column : manifest.path("schema").path("columns")) {
            Map<String, String> described = new LinkedHashMap<>();
            described.put("name", column.path("name").asText());
            described.put("type", column.path("type_text").asText(column.path("type_name").asText("")));
            columns.add(described);
        }
        List<List<String>> rows = new ArrayList<>(exchange.getVariable("sqlRows", List.class));
        long offset = exchange.getVariable("sqlOffset", Long.class);
        long total = manifest.path("total_row_count").asLong(rows.size());
        String id = exchange.getVariable("sqlStatementId", String.class);

        String table = smallerRendering(columns, rows);
        while (table.getBytes(StandardCharsets.UTF_8).length > sql.maxResultBytes() && rows.size() > 1) {
            rows = rows.subList(0, Math.max(1, rows.size() * 3 / 4));
            table = smallerRendering(columns, rows);
        }
        long end = offset + rows.size();
        boolean more = end < total;
        boolean truncated = more || manifest.path("truncated").asBoolean(false);

        Map<String, Object> result = base(exchange, "SUCCEEDED");
        result.put("columns", columns);
        result.put("rows", rows);
        result.put("row_count", rows.size());
        result.put("total_row_count", total);
        result.put("truncated", truncated);
        result.put("next_page", more ? end : null);

        StringBuilder text = new StringBuilder();
        text.append("Statement ").append(id).append(" SUCCEEDED on warehouse ").append(result.get("warehouse_id")).append(": ");
        if (total == 0) {
            text.append("no rows.");
        } else {
            text.append("rows ").append(offset + 1).append('-').append(end).append(" of ").append(total).append('.');
        }
        if (more) {
            text.append(" TRUNCATED: call get_statement_result with statement_id=\"").append(id).append("\" and page=")
                    .append(end).append(" for the next rows, or refine the query (LIMIT, aggregates).");
        } else if (truncated) {
            text.append(" TRUNCATED upstream at ").append(sql.upstreamRowLimit()).append(" rows: refine the query.");
        }
        if (!rows.isEmpty()) {
            text.append('\n').append(table);
        }
        exchange.setVariable("toolText", text.toString());
        return result;
    }

    /** The answer when the statement has not finished: its handle, so get_statement_result can resume it. */
    public Map<String, Object> notFinished(Exchange exchange) {
        String state = exchange.getVariable("sqlState", String.class);
        JsonNode status = exchange.getVariable("sqlStatement", JsonNode.class).path("status");
        String id = exchange.getVariable("sqlStatementId", String.class);
        switch (state) {
            case "FAILED" -> throw new ToolExecutionException("The statement failed (" + status.path("error").path("error_code").asText("ERROR")
                    + (status.hasNonNull("sql_state") ? ", SQLSTATE " + status.get("sql_state").asText() : "") + "): "
                    + sentence(status.path("error").path("message").asText("no message"))
                    + " Fix the SQL and run it again; describe_table and search_tables show the available columns and tables.");
            case "CANCELED" -> throw new ToolExecutionException("Statement " + id + " was cancelled; nothing more will come from it.");
            case "CLOSED" -> throw new ToolExecutionException("The results of statement " + id
                    + " are no longer available (CLOSED after the retention time). Run the query again.");
            default -> {
                // PENDING or RUNNING at the deadline
            }
        }
        Map<String, Object> result = base(exchange, state);
        result.put("columns", List.of());
        result.put("rows", List.of());
        result.put("row_count", 0);
        result.put("total_row_count", null);
        result.put("truncated", false);
        result.put("next_page", null);
        exchange.setVariable("toolText", "Statement " + id + " is still " + state + " after "
                + exchange.getVariable("sqlTimeoutSeconds", Integer.class) + " s. It keeps running: call get_statement_result with "
                + "statement_id=\"" + id + "\" to wait for its rows, or cancel_statement to stop it.");
        return result;
    }

    private static String sentence(String text) {
        String trimmed = text.strip();
        return trimmed.endsWith(".") || trimmed.endsWith("!") || trimmed.endsWith("?") ? trimmed : trimmed + ".";
    }

    private static Map<String, Object> base(Exchange exchange, String state) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("statement_id", exchange.getVariable("sqlStatementId", String.class));
        result.put("state", state);
        result.put("warehouse_id", exchange.getVariable("sqlWarehouse", String.class));
        return result;
    }

    static String smallerRendering(List<Map<String, String>> columns, List<List<String>> rows) {
        String markdown = markdown(columns, rows);
        String csv = csv(columns, rows);
        return csv.length() < markdown.length() ? csv : markdown;
    }

    static String markdown(List<Map<String, String>> columns, List<List<String>> rows) {
        StringBuilder out = new StringBuilder("|");
        columns.forEach(c -> out.append(' ').append(cell(c.get("name"))).append(" |"));
        out.append("\n|");
        columns.forEach(c -> out.append("---|"));
        for (List<String> row : rows) {
            out.append("\n|");
            row.forEach(v -> out.append(' ').append(v == null ? "NULL" : cell(v)).append(" |"));
        }
        return out.toString();
    }

    private static String cell(String value) {
        return value.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    static String csv(List<Map<String, String>> columns, List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", columns.stream().map(c -> csvField(c.get("name"))).toList()));
        for (List<String> row : rows) {
            out.append('\n').append(String.join(",", row.stream().map(v -> v == null ? "" : csvField(v)).toList()));
        }
        return out.toString();
    }

    private static String csvField(String value) {
        boolean quote = value.isEmpty() || value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
