package dev.lakehouse.emulator.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A light, token-level bridge from Databricks SQL to DuckDB SQL. It does not parse SQL; it only
 * rewrites what differs lexically:
 * <ul>
 *   <li>{@code `quoted`} identifiers become {@code "quoted"} identifiers;</li>
 *   <li>{@code "text"} (a string literal in Databricks SQL) becomes {@code 'text'};</li>
 *   <li>catalog names DuckDB reserves ({@code main}) are renamed in {@code cat.schema.obj}
 *       references and after CATALOG / SCHEMA / DATABASE / USE;</li>
 *   <li>named parameter markers {@code :name} become {@code CAST(? AS type)} with the names
 *       recorded in order, so values bind positionally;</li>
 *   <li>named function arguments {@code f(x => 1)} become DuckDB's {@code f(x := 1)}, and the schema
 *       {@code default} of a qualified function name is quoted (a reserved word DuckDB rejects before a table function).</li>
 * </ul>
 */
public final class SqlTranslator {

    /** Translated SQL plus the parameter names in the order their {@code ?} appear. */
    public record Translation(String sql, List<String> parameterOrder) { }

    /** Resolves a parameter name to the DuckDB type its marker is cast to, or null if unbound. */
    @FunctionalInterface
    public interface ParameterTypes {
        String duckTypeOf(String name);
    }

    private enum Kind { WORD, QUOTED_IDENT, STRING, SPACE, COMMENT, PARAM, DOT, OTHER }

    private record Token(Kind kind, String text, String value) { }

    private static final Set<String> CATALOG_KEYWORDS = Set.of("CATALOG");
    private static final Set<String> SCHEMA_KEYWORDS = Set.of("SCHEMA", "DATABASE", "USE", "NAMESPACE");

    private final CatalogNames names;

    public SqlTranslator(CatalogNames names) {
        this.names = names;
    }

    public Translation translate(String sql, ParameterTypes parameterTypes) {
        List<Token> tokens = tokenize(sql);
        renameCatalogs(tokens);
        StringBuilder out = new StringBuilder(sql.length() + 16);
        List<String> order = new ArrayList<>();
        for (Token token : tokens) {
            if (token.kind == Kind.PARAM) {
                String type = parameterTypes.duckTypeOf(token.value);
                if (type == null) {
                    throw new UnboundParameterException(token.value);
                }
                order.add(token.value);
                out.append("CAST(? AS ").append(type).append(')');
            } else {
                out.append(token.text);
            }
        }
        return new Translation(out.toString(), order);
    }

    /** Thrown when the statement uses a {@code :name} marker no parameter was given for. */
    public static final class UnboundParameterException extends RuntimeException {
        private final String parameter;

        UnboundParameterException(String parameter) {
            super("[UNBOUND_SQL_PARAMETER] Found the unbound parameter: " + parameter
                    + ". Please, fix `args` and provide a mapping of the parameter to a SQL literal.", null, false, false);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    private void renameCatalogs(List<Token> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (!isIdent(token) || (i >= 1 && tokens.get(i - 1).kind == Kind.DOT)) {
                continue;
            }
            int parts = chainLength(tokens, i);
            String previous = previousWord(tokens, i);
            boolean catalogPosition = parts >= 3
                    || (parts == 2 && previous != null && SCHEMA_KEYWORDS.contains(previous))
                    || (parts == 1 && previous != null && CATALOG_KEYWORDS.contains(previous));
            if (catalogPosition && names.isRenamed(identValue(token))) {
                String duck = names.toDuck(identValue(token));
                tokens.set(i, new Token(Kind.QUOTED_IDENT, "\"" + duck + "\"", duck));
            }
            quoteDefaultSchema(tokens, i, parts);
        }
    }

    /**
     * DEFAULT is a reserved word in DuckDB: it passes as a schema in table references, but a table function call
     * {@code main.default.f(...)} in FROM is a syntax error unless it is quoted, so it is quoted in function calls
     * (a qualified name followed by "(") and left alone elsewhere.
     */
    private static void quoteDefaultSchema(List<Token> tokens, int start, int parts) {
        int next = start + 2 * (parts - 1) + 1;
        while (next < tokens.size() && tokens.get(next).kind == Kind.SPACE) {
            next++;
        }
        if (parts < 2 || next >= tokens.size() || !tokens.get(next).text.equals("(")) {
            return;
        }
        for (int part = 1, i = start + 2; part < parts; part++, i += 2) {
            Token t = tokens.get(i);
            if (t.kind == Kind.WORD && t.text.equalsIgnoreCase("default")) {
                tokens.set(i, new Token(Kind.QUOTED_IDENT, "\"" + t.text + "\"", t.text));
            }
        }
    }

    private static int chainLength(List<Token> tokens, int start) {
        int parts = 1;
        int i = start;
        while (i + 2 < tokens.size() && tokens.get(i + 1).kind == Kind.DOT && isIdent(tokens.get(i + 2))) {
            parts++;
            i += 2;
        }
        return parts;
    }

    private static String previousWord(List<Token> tokens, int index) {
        for (int i = index - 1; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.kind == Kind.SPACE || t.kind == Kind.COMMENT) {
                continue;
            }
            return t.kind == Kind.WORD ? t.text.toUpperCase(Locale.ROOT) : null;
        }
        return null;
    }

    private static boolean isIdent(Token t) {
        return t.kind == Kind.WORD || t.kind == Kind.QUOTED_IDENT;
    }

    private static String identValue(Token t) {
        return t.kind == Kind.WORD ? t.text : t.value;
    }

    private static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                while (i < n && Character.isWhitespace(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.SPACE, sql.substring(start, i), null));
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                tokens.add(new Token(Kind.COMMENT, sql.substring(start, i), null));
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                tokens.add(new Token(Kind.COMMENT, sql.substring(start, i), null));
            } else if (c == '\'' || c == '"' || c == '`') {
                StringBuilder value = new StringBuilder();
                int end = readQuoted(sql, i, c, value, c != '`');
                if (end < 0) {
                    tokens.add(raw(sql, start));
                    i = n;
                } else if (c == '`') {
                    tokens.add(new Token(Kind.QUOTED_IDENT, "\"" + value.toString().replace("\"", "\"\"") + "\"",
                            value.toString()));
                    i = end;
                } else {
                    // Databricks SQL reads "..." as a string literal, like '...'
                    tokens.add(new Token(Kind.STRING, singleQuoted(value.toString()), value.toString()));
                    i = end;
                }
            } else if (c == '=' && i + 1 < n && sql.charAt(i + 1) == '>' && (i == 0 || sql.charAt(i - 1) != '<')) {
                // Databricks' named argument f(x => 1) is DuckDB's f(x := 1); "<=>" (null-safe equality) stays
                tokens.add(new Token(Kind.OTHER, ":=", null));
                i += 2;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                tokens.add(new Token(Kind.OTHER, "::", null));
                i += 2;
            } else if (c == ':' && i + 1 < n && isIdentStart(sql.charAt(i + 1))
                    && (i == 0 || sql.charAt(i - 1) != ':')) {
                i++;
                while (i < n && isIdentPart(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.PARAM, sql.substring(start, i), sql.substring(start + 1, i)));
            } else if (isIdentStart(c) || Character.isDigit(c)) {
                while (i < n && isIdentPart(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i), null));
            } else if (c == '.') {
                tokens.add(new Token(Kind.DOT, ".", null));
                i++;
            } else {
                tokens.add(new Token(Kind.OTHER, String.valueOf(c), null));
                i++;
            }
        }
        return tokens;
    }

    /** Reads a quoted run starting at {@code start}; returns the index after it, or -1 if unterminated. */
    private static int readQuoted(String sql, int start, char quote, StringBuilder value, boolean backslashEscapes) {
        int i = start + 1;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\' && i + 1 < n) {
                char next = sql.charAt(i + 1);
                switch (next) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    default -> value.append(next);
                }
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                value.append(c);
                i++;
            }
        }
        return -1;
    }

    /** An unterminated quote is passed through untouched so DuckDB reports the syntax error. */
    private static Token raw(String sql, int start) {
        return new Token(Kind.OTHER, sql.substring(start), null);
    }

    private static String singleQuoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
