package dev.lakehouse.emulator.sql;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/**
 * A Databricks (Spark) data type as the APIs describe it: the {@code type_name} enum value, the
 * SQL text (upper-case in statement manifests, lower-case catalogString in Unity Catalog) and the
 * Spark JSON form used in UC's {@code type_json}.
 */
public record SqlType(String typeName, String simpleText, Integer precision, Integer scale,
                      SqlType element, SqlType key, SqlType value, List<Field> fields) {

    /** A named member of a STRUCT. */
    public record Field(String name, SqlType type) { }

    public static SqlType simple(String typeName, String simpleText) {
        return new SqlType(typeName, simpleText, null, null, null, null, null, null);
    }

    public static SqlType decimal(int precision, int scale) {
        return new SqlType("DECIMAL", "decimal", precision, scale, null, null, null, null);
    }

    public static SqlType array(SqlType element) {
        return new SqlType("ARRAY", "array", null, null, element, null, null, null);
    }

    public static SqlType map(SqlType key, SqlType value) {
        return new SqlType("MAP", "map", null, null, null, key, value, null);
    }

    public static SqlType struct(List<Field> fields) {
        return new SqlType("STRUCT", "struct", null, null, null, null, null, List.copyOf(fields));
    }

    public boolean isComplex() {
        return element != null || key != null || fields != null;
    }

    /** Spark catalogString, e.g. {@code decimal(18,2)}, {@code array<string>}, {@code struct<a:int>}. */
    public String lowerText() {
        return switch (typeName) {
            case "DECIMAL" -> "decimal(" + precision + "," + scale + ")";
            case "ARRAY" -> "array<" + element.lowerText() + ">";
            case "MAP" -> "map<" + key.lowerText() + "," + value.lowerText() + ">";
            case "STRUCT" -> fields.stream().map(f -> f.name() + ":" + f.type().lowerText())
                    .collect(Collectors.joining(",", "struct<", ">"));
            default -> simpleText;
        };
    }

    /** The statement manifest's upper-case SQL text, e.g. {@code DECIMAL(18,2)}, {@code ARRAY<STRING>}. */
    public String upperText() {
        return switch (typeName) {
            case "DECIMAL" -> "DECIMAL(" + precision + "," + scale + ")";
            case "ARRAY" -> "ARRAY<" + element.upperText() + ">";
            case "MAP" -> "MAP<" + key.upperText() + ", " + value.upperText() + ">";
            case "STRUCT" -> fields.stream().map(f -> f.name() + ": " + f.type().upperText())
                    .collect(Collectors.joining(", ", "STRUCT<", ">"));
            default -> simpleText.toUpperCase(Locale.ROOT);
        };
    }

    /** Spark's JSON data type: a string for simple types, an object for complex ones. */
    public JsonNode sparkJson() {
        switch (typeName) {
            case "ARRAY": {
                ObjectNode node = Json.obj();
                node.put("type", "array");
                node.set("elementType", element.sparkJson());
                node.put("containsNull", true);
                return node;
            }
            case "MAP": {
                ObjectNode node = Json.obj();
                node.put("type", "map");
                node.set("keyType", key.sparkJson());
                node.set("valueType", value.sparkJson());
                node.put("valueContainsNull", true);
                return node;
            }
            case "STRUCT": {
                ObjectNode node = Json.obj();
                node.put("type", "struct");
                ArrayNode list = node.putArray("fields");
                fields.forEach(f -> list.add(structField(f.name(), f.type(), true, null)));
                return node;
            }
            default:
                return Json.MAPPER.getNodeFactory().textNode(sparkJsonName());
        }
    }

    private String sparkJsonName() {
        return switch (typeName) {
            case "LONG" -> "long";
            case "INT" -> "integer";
            case "SHORT" -> "short";
            case "BYTE" -> "byte";
            case "NULL" -> "void";
            case "DECIMAL" -> "decimal(" + precision + "," + scale + ")";
            default -> simpleText;
        };
    }

    /** A Spark StructField as JSON: {@code {"name":..,"type":..,"nullable":..,"metadata":{}}}. */
    public static ObjectNode structField(String name, SqlType type, boolean nullable, String comment) {
        ObjectNode node = Json.obj();
        node.put("name", name);
        node.set("type", type.sparkJson());
        node.put("nullable", nullable);
        ObjectNode metadata = node.putObject("metadata");
        if (comment != null && !comment.isEmpty()) {
            metadata.put("comment", comment);
        }
        return node;
    }
}
