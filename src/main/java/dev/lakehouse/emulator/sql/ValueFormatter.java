package dev.lakehouse.emulator.sql;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Struct;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

import org.duckdb.DuckDBStruct;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/**
 * Renders JDBC values as JSON_ARRAY strings the way the Statement Execution API does: every
 * non-null value is a string, NULL is JSON null, complex values are JSON text.
 */
public final class ValueFormatter {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ValueFormatter() { }

    public static String format(ResultSet rs, int column, SqlType type) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        switch (type.typeName()) {
            case "BINARY":
                byte[] bytes = rs.getBytes(column);
                return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
            case "ARRAY": case "MAP": case "STRUCT":
                try {
                    return Json.MAPPER.writeValueAsString(toJson(value));
                } catch (JsonProcessingException e) {
                    return String.valueOf(value);
                }
            default:
                return scalar(value);
        }
    }

    private static String scalar(Object value) {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().format(TIMESTAMP);
        }
        if (value instanceof LocalDateTime ldt) {
            return ldt.format(TIMESTAMP);
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().format(TIMESTAMP);
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return String.valueOf(value);
    }

    /** Nested values (lists, structs, maps) as a JSON tree. */
    static JsonNode toJson(Object value) {
        try {
            if (value == null) {
                return NODES.nullNode();
            }
            if (value instanceof Boolean b) {
                return NODES.booleanNode(b);
            }
            if (value instanceof BigDecimal d) {
                return NODES.numberNode(d);
            }
            if (value instanceof java.math.BigInteger i) {
                return NODES.numberNode(i);
            }
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return NODES.numberNode(((Number) value).longValue());
            }
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(String.valueOf(d));
            }
            if (value instanceof java.sql.Array array) {
                ArrayNode node = NODES.arrayNode();
                for (Object element : (Object[]) array.getArray()) {
                    node.add(toJson(element));
                }
                return node;
            }
            if (value instanceof DuckDBStruct struct) {
                ObjectNode node = NODES.objectNode();
                struct.getMap().forEach((k, v) -> node.set(String.valueOf(k), toJson(v)));
                return node;
            }
            if (value instanceof Struct struct) {
                ArrayNode node = NODES.arrayNode();
                for (Object attribute : struct.getAttributes()) {
                    node.add(toJson(attribute));
                }
                return node;
            }
            if (value instanceof Map<?, ?> map) {
                ObjectNode node = NODES.objectNode();
                map.forEach((k, v) -> node.set(String.valueOf(k), toJson(v)));
                return node;
            }
            if (value instanceof java.sql.Blob blob) {
                return NODES.textNode(Base64.getEncoder().encodeToString(blob.getBytes(1, (int) blob.length())));
            }
            return NODES.textNode(scalar(value));
        } catch (SQLException e) {
            return NODES.textNode(String.valueOf(value));
        }
    }

    /** Size of a row in the result ("internal representation": UTF-8 bytes of the values). */
    public static long byteSize(String[] row) {
        long size = 0;
        for (String value : row) {
            size += value == null ? 1 : value.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }
}
