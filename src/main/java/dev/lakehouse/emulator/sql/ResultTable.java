package dev.lakehouse.emulator.sql;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/** A finished statement's rows, split into chunks of a fixed number of rows. */
public final class ResultTable {

    /** One result column. */
    public record Column(String name, SqlType type) { }

    private final List<Column> columns;
    private final List<String[]> rows;
    private final boolean truncated;
    private final int chunkRows;

    public ResultTable(List<Column> columns, List<String[]> rows, boolean truncated, int chunkRows) {
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.truncated = truncated;
        this.chunkRows = Math.max(1, chunkRows);
    }

    public List<Column> columns() { return columns; }

    public List<String[]> rows() { return rows; }

    public int chunkCount() {
        return (rows.size() + chunkRows - 1) / chunkRows;
    }

    public ObjectNode manifest() {
        ObjectNode manifest = Json.obj();
        manifest.put("format", "JSON_ARRAY");
        ObjectNode schema = manifest.putObject("schema");
        schema.put("column_count", columns.size());
        if (!columns.isEmpty()) {
            ArrayNode list = schema.putArray("columns");
            for (int i = 0; i < columns.size(); i++) {
                Column column = columns.get(i);
                ObjectNode c = list.addObject();
                c.put("name", column.name());
                c.put("position", i);
                c.put("type_name", column.type().typeName());
                c.put("type_text", column.type().upperText());
                if (column.type().precision() != null) {
                    c.put("type_precision", column.type().precision());
                    c.put("type_scale", column.type().scale());
                }
            }
        }
        int chunks = chunkCount();
        manifest.put("total_chunk_count", chunks);
        if (chunks > 0) {
            ArrayNode list = manifest.putArray("chunks");
            for (int i = 0; i < chunks; i++) {
                list.addObject().put("chunk_index", i).put("row_offset", (long) i * chunkRows).put("row_count", rowsIn(i));
            }
        }
        manifest.put("total_row_count", rows.size());
        manifest.put("truncated", truncated);
        return manifest;
    }

    /** ResultData of chunk {@code index}; {@code {}} for a result without rows. */
    public ObjectNode chunk(int index, String statementId) {
        ObjectNode data = Json.obj();
        if (rows.isEmpty()) {
            return data;
        }
        int from = index * chunkRows;
        int count = rowsIn(index);
        data.put("chunk_index", index);
        data.put("row_offset", (long) from);
        data.put("row_count", count);
        ArrayNode array = data.putArray("data_array");
        for (String[] row : rows.subList(from, from + count)) {
            ArrayNode r = array.addArray();
            for (String value : row) {
                if (value == null) {
                    r.addNull();
                } else {
                    r.add(value);
                }
            }
        }
        if (index + 1 < chunkCount()) {
            data.put("next_chunk_index", index + 1);
            data.put("next_chunk_internal_link", "/api/2.0/sql/statements/" + statementId + "/result/chunks/" + (index + 1));
        }
        return data;
    }

    private int rowsIn(int index) {
        return Math.min(chunkRows, rows.size() - index * chunkRows);
    }
}
