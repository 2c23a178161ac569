package dev.lakehouse.emulator.vectorsearch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.Json;

/**
 * The filter dictionary of standard endpoints ({@code filters_json}), as the Databricks filtering guide describes
 * it: each key is a column optionally followed by an operator, all keys must hold (AND).
 * <ul>
 * <li>{@code {"category": "sql"}} equality, {@code {"category": ["sql", "billing"]}} any of the values;</li>
 * <li>{@code {"category NOT": "sql"}} (or a list) negation;</li>
 * <li>{@code {"price <": 50}}, {@code <=}, {@code >}, {@code >=} on numeric columns;</li>
 * <li>{@code {"title LIKE": "token"}} token match (a value with {@code %} is a LIKE pattern instead);</li>
 * <li>{@code {"title OR body": ["sso", "sign"]}} the first column equals the first value, or the second the second.</li>
 * </ul>
 * A top-level array of such objects is accepted too (all must hold). Anything else is a 400.
 */
final class FiltersJson {

    private static final Pattern WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private FiltersJson() { }

    static Predicate<IndexedRow> parse(String filtersJson, SearchIndex index) {
        if (filtersJson == null || filtersJson.isBlank()) {
            return row -> true;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(filtersJson);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidParameter("Invalid filters_json: not valid JSON - " + e.getOriginalMessage());
        }
        List<JsonNode> objects = new ArrayList<>();
        if (root != null && root.isObject()) {
            objects.add(root);
        } else if (root != null && root.isArray()) {
            root.forEach(objects::add);
        }
        if (objects.isEmpty() || objects.stream().anyMatch(o -> !o.isObject())) {
            throw ApiException.invalidParameter(
                    "Invalid filters_json: expected a JSON object of column (and operator) to value, got " + filtersJson);
        }
        Predicate<IndexedRow> all = row -> true;
        for (JsonNode object : objects) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                all = all.and(clause(entry.getKey().trim(), entry.getValue(), index));
            }
        }
        return all;
    }

    private static Predicate<IndexedRow> clause(String key, JsonNode value, SearchIndex index) {
        if (key.contains(" OR ")) {
            return or(key, value, index);
        }
        String[] parts = key.split("\\s+", 2);
        IndexColumn column = column(parts[0], index);
        String operator = parts.length == 1 ? "=" : parts[1].trim().toUpperCase(Locale.ROOT);
        return switch (operator) {
            case "=" -> anyOf(column, value);
            case "NOT", "!=" -> anyOf(column, value).negate();
            case "<", "<=", ">", ">=" -> compare(column, operator, value);
            case "LIKE" -> like(column, value);
            default -> throw ApiException.invalidParameter("Invalid filters_json: unsupported operator '" + parts[1]
                    + "' in key '" + key + "' (supported: NOT, <, <=, >, >=, LIKE, OR)");
        };
    }

    private static IndexColumn column(String name, SearchIndex index) {
        IndexColumn column = index.column(name);
        if (column == null || column.vector()) {
            throw ApiException.invalidParameter("Invalid filters_json: column '" + name + "' is not a filterable column of index "
                    + index.name());
        }
        return column;
    }

    /** {"a OR b": [va, vb]}: a = va or b = vb; a single value is compared with every column. */
    private static Predicate<IndexedRow> or(String key, JsonNode value, SearchIndex index) {
        String[] names = key.split("\\s+OR\\s+");
        List<IndexColumn> columns = new ArrayList<>();
        for (String name : names) {
            columns.add(column(name.trim(), index));
        }
        if (value.isArray() && value.size() != columns.size()) {
            throw ApiException.invalidParameter("Invalid filters_json: '" + key + "' needs " + columns.size()
                    + " values, one per column, got " + value.size());
        }
        Predicate<IndexedRow> any = row -> false;
        for (int i = 0; i < columns.size(); i++) {
            any = any.or(anyOf(columns.get(i), value.isArray() ? value.get(i) : value));
        }
        return any;
    }

    private static Predicate<IndexedRow> anyOf(IndexColumn column, JsonNode value) {
        List<JsonNode> values = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(values::add);
            if (values.isEmpty()) {
                throw ApiException.invalidParameter("Invalid filters_json: empty list of values for '" + column.name() + "'");
            }
        } else {
            values.add(value);
        }
        Predicate<IndexedRow> any = row -> false;
        for (JsonNode v : values) {
            any = any.or(equalTo(column, v));
        }
        return any;
    }

    private static Predicate<IndexedRow> equalTo(IndexColumn column, JsonNode value) {
        if (column.numeric()) {
            double expected = number(column, value);
            return row -> row.value(column.name()) instanceof Number n && n.doubleValue() == expected;
        }
        if (!value.isValueNode() || value.isNull()) {
            throw ApiException.invalidParameter("Invalid filters_json: '" + column.name() + "' must be compared with a string");
        }
        String expected = value.asText();
        return row -> expected.equals(row.value(column.name()));
    }

    private static Predicate<IndexedRow> compare(IndexColumn column, String operator, JsonNode value) {
        if (!column.numeric()) {
            throw ApiException.invalidParameter("Invalid filters_json: operator '" + operator
                    + "' needs a numeric column, '" + column.name() + "' is " + column.type());
        }
        double bound = number(column, value);
        return row -> {
            if (!(row.value(column.name()) instanceof Number n)) {
                return false;
            }
            double v = n.doubleValue();
            return switch (operator) {
                case "<" -> v < bound;
                case "<=" -> v <= bound;
                case ">" -> v > bound;
                default -> v >= bound;
            };
        };
    }

    /** Token LIKE: every word of the value is a word of the column (case-insensitive); with '%', a LIKE pattern. */
    private static Predicate<IndexedRow> like(IndexColumn column, JsonNode value) {
        if (!column.text() || !value.isTextual() || value.asText().isBlank()) {
            throw ApiException.invalidParameter("Invalid filters_json: LIKE needs a string column and a non-empty string, got '"
                    + column.name() + " LIKE' " + value);
        }
        String text = value.asText().toLowerCase(Locale.ROOT);
        if (text.contains("%")) {
            StringBuilder regex = new StringBuilder();
            for (String piece : text.split("%", -1)) {
                regex.append(Pattern.quote(piece)).append(".*");
            }
            Pattern pattern = Pattern.compile(regex.substring(0, regex.length() - 2), Pattern.DOTALL);
            return row -> row.value(column.name()) instanceof String s
                    && pattern.matcher(s.toLowerCase(Locale.ROOT)).matches();
        }
        List<String> wanted = words(text);
        return row -> row.value(column.name()) instanceof String s && words(s.toLowerCase(Locale.ROOT)).containsAll(wanted);
    }

    private static List<String> words(String text) {
        return java.util.Arrays.stream(WORD.split(text)).filter(w -> !w.isEmpty()).toList();
    }

    private static double number(IndexColumn column, JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        throw ApiException.invalidParameter("Invalid filters_json: '" + column.name() + "' is a numeric column and must be "
                + "compared with a number, got " + value);
    }
}
