package dev.lakehouse.emulator.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps DuckDB type strings (as JDBC metadata and {@code duckdb_columns()} print them, e.g.
 * {@code DECIMAL(18,2)}, {@code VARCHAR[]}, {@code STRUCT(a INTEGER, b VARCHAR)},
 * {@code MAP(VARCHAR, INTEGER)}) to the Databricks type with the closest meaning.
 * Types Databricks lacks (UUID, TIME, ENUM, unsigned ints, HUGEINT...) map to STRING or a wide DECIMAL.
 */
public final class DuckTypeMapper {

    private final String text;
    private int pos;

    private DuckTypeMapper(String text) {
        this.text = text;
    }

    public static SqlType map(String duckType) {
        if (duckType == null || duckType.isBlank()) {
            return SqlType.simple("STRING", "string");
        }
        try {
            DuckTypeMapper parser = new DuckTypeMapper(duckType.trim());
            SqlType type = parser.parseType();
            return type;
        } catch (RuntimeException e) {
            // an exotic type we cannot parse is still readable as text
            return SqlType.simple("STRING", "string");
        }
    }

    private SqlType parseType() {
        skipSpaces();
        SqlType base;
        String word = readWord();
        String upper = word.toUpperCase(Locale.ROOT);
        skipSpaces();
        if (upper.equals("STRUCT") || upper.equals("ROW")) {
            base = SqlType.struct(parseStructFields());
        } else if (upper.equals("MAP")) {
            expect('(');
            SqlType k = parseType();
            expect(',');
            SqlType v = parseType();
            expect(')');
            base = SqlType.map(k, v);
        } else if (upper.equals("LIST")) {
            expect('(');
            SqlType e = parseType();
            expect(')');
            base = SqlType.array(e);
        } else {
            List<String> args = peek() == '(' ? readArgs() : List.of();
            base = simpleType(upper, args);
        }
        skipSpaces();
        while (peek() == '[') {
            int close = text.indexOf(']', pos);
            pos = close + 1;
            base = SqlType.array(base);
            skipSpaces();
        }
        return base;
    }

    private static SqlType simpleType(String name, List<String> args) {
        switch (name) {
            case "BOOLEAN": case "BOOL": case "LOGICAL":
                return SqlType.simple("BOOLEAN", "boolean");
            case "TINYINT": case "INT1":
                return SqlType.simple("BYTE", "tinyint");
            case "SMALLINT": case "INT2": case "SHORT": case "UTINYINT":
                return SqlType.simple("SHORT", "smallint");
            case "INTEGER": case "INT": case "INT4": case "SIGNED": case "USMALLINT":
                return SqlType.simple("INT", "int");
            case "BIGINT": case "INT8": case "LONG": case "UINTEGER":
                return SqlType.simple("LONG", "bigint");
            case "UBIGINT":
                return SqlType.decimal(20, 0);
            case "HUGEINT": case "INT128": case "UHUGEINT": case "UINT128":
                return SqlType.decimal(38, 0);
            case "FLOAT": case "FLOAT4": case "REAL":
                return SqlType.simple("FLOAT", "float");
            case "DOUBLE": case "FLOAT8": case "DOUBLE PRECISION":
                return SqlType.simple("DOUBLE", "double");
            case "DECIMAL": case "NUMERIC":
                if (args.size() == 2) {
                    return SqlType.decimal(Integer.parseInt(args.get(0).trim()), Integer.parseInt(args.get(1).trim()));
                }
                if (args.size() == 1) {
                    return SqlType.decimal(Integer.parseInt(args.get(0).trim()), 0);
                }
                return SqlType.decimal(18, 3);
            case "DATE":
                return SqlType.simple("DATE", "date");
            case "TIMESTAMP": case "DATETIME": case "TIMESTAMP_S": case "TIMESTAMP_MS": case "TIMESTAMP_NS":
            case "TIMESTAMP_US": case "TIMESTAMPTZ": case "TIMESTAMP WITH TIME ZONE":
                return SqlType.simple("TIMESTAMP", "timestamp");
            case "BLOB": case "BYTEA": case "BINARY": case "VARBINARY":
                return SqlType.simple("BINARY", "binary");
            case "INTERVAL":
                return SqlType.simple("INTERVAL", "interval");
            case "NULL": case "\"NULL\"":
                return SqlType.simple("NULL", "void");
            default:
                // VARCHAR, TEXT, UUID, JSON, ENUM(...), TIME, BIT, UNION(...), VARINT...
                return SqlType.simple("STRING", "string");
        }
    }

    private List<SqlType.Field> parseStructFields() {
        expect('(');
        List<SqlType.Field> fields = new ArrayList<>();
        skipSpaces();
        while (peek() != ')') {
            String name = readFieldName();
            SqlType type = parseType();
            fields.add(new SqlType.Field(name, type));
            skipSpaces();
            if (peek() == ',') {
                pos++;
                skipSpaces();
            }
        }
        expect(')');
        return fields;
    }

    private String readFieldName() {
        skipSpaces();
        if (peek() == '"') {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    if (peek() == '"') {
                        out.append('"');
                        pos++;
                    } else {
                        break;
                    }
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        int start = pos;
        while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** A type name, which may span words ("TIMESTAMP WITH TIME ZONE", "DOUBLE PRECISION"). */
    private String readWord() {
        if (peek() == '"') {
            int close = text.indexOf('"', pos + 1);
            String word = text.substring(pos, close + 1);
            pos = close + 1;
            return word;
        }
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_') {
                pos++;
            } else if (c == ' ' && continuesName()) {
                pos++;
            } else {
                break;
            }
        }
        return text.substring(start, pos).trim();
    }

    private boolean continuesName() {
        String rest = text.substring(pos + 1).toUpperCase(Locale.ROOT);
        return rest.startsWith("WITH") || rest.startsWith("TIME") || rest.startsWith("ZONE")
                || rest.startsWith("PRECISION") || rest.startsWith("VARYING");
    }

    private List<String> readArgs() {
        expect('(');
        int depth = 1;
        int start = pos;
        List<String> args = new ArrayList<>();
        while (pos < text.length() && depth > 0) {
            char c = text.charAt(pos);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    args.add(text.substring(start, pos));
                }
            } else if (c == ',' && depth == 1) {
                args.add(text.substring(start, pos));
                start = pos + 1;
            } else if (c == '\'') {
                pos = text.indexOf('\'', pos + 1);
            }
            pos++;
        }
        return args;
    }

    private void expect(char c) {
        skipSpaces();
        if (peek() != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in " + text);
        }
        pos++;
        skipSpaces();
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
