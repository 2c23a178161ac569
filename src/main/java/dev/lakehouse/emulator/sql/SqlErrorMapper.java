package dev.lakehouse.emulator.sql;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns DuckDB errors into what a Databricks SQL warehouse reports: an error class in brackets,
 * a SQLSTATE and the {@code BAD_REQUEST} service error code. DuckDB's own text follows, so the
 * cause stays readable.
 */
public final class SqlErrorMapper {

    /** The pieces of {@code status.error} / {@code status.sql_state}. */
    public record SqlError(String errorCode, String message, String sqlState) { }

    private static final Pattern TABLE_MISSING = Pattern.compile("Table with name ([^ ]+) does not exist");

    private SqlErrorMapper() { }

    public static SqlError map(SQLException e, CatalogNames names) {
        String raw = names.unmapMessage(firstLine(e.getMessage()));
        String text = raw.replaceFirst("^[A-Za-z ]+ Error: ", "");
        if (raw.startsWith("Parser Error")) {
            return new SqlError("BAD_REQUEST", "[PARSE_SYNTAX_ERROR] " + capitalize(text) + ". SQLSTATE: 42601", "42601");
        }
        if (raw.startsWith("Catalog Error") && raw.contains("Table with name")) {
            Matcher m = TABLE_MISSING.matcher(raw);
            String name = m.find() ? m.group(1).replace("\"", "") : "?";
            return new SqlError("BAD_REQUEST", "[TABLE_OR_VIEW_NOT_FOUND] The table or view `" + name
                    + "` cannot be found. " + text + " SQLSTATE: 42P01", "42P01");
        }
        if (raw.startsWith("Catalog Error") && (raw.contains("Function") || raw.contains("Macro"))) {
            return new SqlError("BAD_REQUEST", "[UNRESOLVED_ROUTINE] " + text + " SQLSTATE: 42883", "42883");
        }
        if (raw.startsWith("Catalog Error") && (raw.contains("schema") || raw.contains("Schema") || raw.contains("catalog"))) {
            return new SqlError("BAD_REQUEST", "[SCHEMA_NOT_FOUND] " + text + " SQLSTATE: 42704", "42704");
        }
        if (raw.startsWith("Catalog Error") && raw.contains("already exists")) {
            return new SqlError("BAD_REQUEST", "[TABLE_OR_VIEW_ALREADY_EXISTS] " + text + " SQLSTATE: 42P07", "42P07");
        }
        if (raw.startsWith("Binder Error") && raw.contains("column")) {
            return new SqlError("BAD_REQUEST", "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] " + text + " SQLSTATE: 42703", "42703");
        }
        if (raw.startsWith("Conversion Error")) {
            return new SqlError("BAD_REQUEST", "[CAST_INVALID_INPUT] " + text + " SQLSTATE: 22018", "22018");
        }
        if (raw.startsWith("Out of Range Error")) {
            return new SqlError("BAD_REQUEST", "[ARITHMETIC_OVERFLOW] " + text + " SQLSTATE: 22003", "22003");
        }
        if (raw.startsWith("Constraint Error")) {
            return new SqlError("BAD_REQUEST", "[CONSTRAINT_VIOLATION] " + text + " SQLSTATE: 23000", "23000");
        }
        if (raw.startsWith("Invalid Input Error") && raw.contains("parameters")) {
            return new SqlError("BAD_REQUEST", "[UNBOUND_SQL_PARAMETER] " + text + " SQLSTATE: 42P02", "42P02");
        }
        return new SqlError("BAD_REQUEST", text, "42000");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "Unknown error";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
