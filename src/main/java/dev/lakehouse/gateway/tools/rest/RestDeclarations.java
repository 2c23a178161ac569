package dev.lakehouse.gateway.tools.rest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.ratelimit.ApiFamily;
import dev.lakehouse.gateway.tools.ToolCatalogException;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.BeanStep;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Call;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Paging;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Projection;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Range;

/**
 * Reads and checks the {@code rest:} block of a tool declaration. Like the rest of the catalog it is a gate: an
 * unknown field, an argument the input schema does not declare, an unknown API family or a paging style without its
 * arguments stops the gateway from starting, naming the file, the tool and the field.
 */
public final class RestDeclarations {

    /** {@code {arg}}, {@code {+arg}} (several path segments) and {@code {response.field}} (follow-up calls only). */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\+?)([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*)}");
    static final String RESPONSE_PREFIX = "response.";

    private static final Set<String> FIELDS = Set.of("method", "path", "query", "body", "headers", "family", "paging",
            "range", "raw", "hint", "result", "then", "variables", "check", "refusal", "shape", "when");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    private static final Set<String> PAGING_STYLES = Set.of("page_token", "offset", "none");
    private static final Pattern BEAN_STEP = Pattern.compile("([A-Za-z][A-Za-z0-9]*)\\.([A-Za-z][A-Za-z0-9]*)");

    private RestDeclarations() {
    }

    /** The declaration of tool {@code at} (file and tool, for messages), checked against its input schema. */
    public static RestDeclaration parse(JsonNode rest, JsonNode inputSchema, String at) {
        Set<String> arguments = new java.util.HashSet<>();
        inputSchema.path("properties").fieldNames().forEachRemaining(arguments::add);
        return parse(rest, arguments, at, "rest", true);
    }

    private static RestDeclaration parse(JsonNode rest, Set<String> arguments, String at, String field, boolean top) {
        if (rest == null || !rest.isObject()) {
            throw fail(at, field, "must be a mapping");
        }
        for (Iterator<String> it = rest.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw fail(at, field + "." + name, "is not a field of a REST declaration (allowed: " + FIELDS + ")");
            }
            // a variant differs in its request and projection only: it runs through the same route and bean steps
            if (!top && Set.of("when", "check", "refusal", "shape").contains(name)) {
                throw fail(at, field + "." + name, "cannot be set in a when variant (only in the tool's rest block)");
            }
        }
        String method = method(rest, at, field);
        String path = path(rest, at, field, arguments, false);
        Map<String, JsonNode> query = templates(rest.get("query"), at, field + ".query", arguments, false);
        JsonNode body = rest.get("body");
        if (body != null) {
            checkTemplates(body, at, field + ".body", arguments, false);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        templates(rest.get("headers"), at, field + ".headers", arguments, false).forEach((name, value) -> {
            if (!value.isTextual()) {
                throw fail(at, field + ".headers." + name, "must be a string");
            }
            headers.put(name, value.asText());
        });
        ApiFamily family = family(rest.get("family"), method, path, at, field);
        Paging paging = paging(rest.get("paging"), arguments, at, field);
        Range range = range(rest.get("range"), arguments, at, field);
        boolean raw = bool(rest.get("raw"), at, field + ".raw");
        String hint = text(rest.get("hint"), at, field + ".hint");
        Projection result = projection(rest.get("result"), at, field + ".result");
        Call then = call(rest.get("then"), arguments, at, field + ".then");
        Map<String, String> variables = new LinkedHashMap<>();
        JsonNode vars = rest.get("variables");
        if (vars != null) {
            if (!vars.isObject()) {
                throw fail(at, field + ".variables", "must be a mapping of names to strings");
            }
            vars.fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
        }
        String whenArgument = null;
        RestDeclaration whenGiven = null;
        JsonNode when = rest.get("when");
        if (when != null) {
            whenArgument = text(when.get("argument"), at, field + ".when.argument");
            if (whenArgument == null || !arguments.contains(whenArgument)) {
                throw fail(at, field + ".when.argument", "must name an argument of the input schema, got '" + whenArgument + "'");
            }
            whenGiven = parse(when.get("use"), arguments, at, field + ".when.use", false);
        }
        return new RestDeclaration(method, path, query, body, headers, family, paging, range, raw, hint, result, then,
                variables, beanStep(rest.get("check"), at, field + ".check"), beanStep(rest.get("refusal"), at,
                        field + ".refusal"), beanStep(rest.get("shape"), at, field + ".shape"), whenArgument, whenGiven);
    }

    private static String method(JsonNode node, String at, String field) {
        String method = text(node.get("method"), at, field + ".method");
        if (method == null || !METHODS.contains(method)) {
            throw fail(at, field + ".method", "must be one of " + METHODS + ", got '" + method + "'");
        }
        return method;
    }

    private static String path(JsonNode node, String at, String field, Set<String> arguments, boolean followUp) {
        String path = text(node.get("path"), at, field + ".path");
        if (path == null || !path.startsWith("/api/")) {
            throw fail(at, field + ".path", "must be a Databricks REST path starting with /api/, got '" + path + "'");
        }
        checkPlaceholders(path, at, field + ".path", arguments, followUp);
        return path;
    }

    private static ApiFamily family(JsonNode node, String method, String path, String at, String field) {
        if (node == null) {
            return ApiFamily.of(method, PLACEHOLDER.matcher(path).replaceAll("x"));
        }
        try {
            return ApiFamily.byKey(node.asText());
        } catch (IllegalArgumentException e) {
            throw fail(at, field + ".family", e.getMessage());
        }
    }

    private static Paging paging(JsonNode node, Set<String> arguments, String at, String field) {
        if (node == null) {
            return Paging.NONE;
        }
        String style = text(node.get("style"), at, field + ".paging.style");
        if (style == null || !PAGING_STYLES.contains(style)) {
            throw fail(at, field + ".paging.style", "must be one of " + PAGING_STYLES + ", got '" + style + "'");
        }
        if ("none".equals(style)) {
            return Paging.NONE;
        }
        // one page per call: the agent asks for the next with the opaque cursor of the last answer (and the page
        // size, where the API takes one)
        String size = text(node.get("size"), at, field + ".paging.size");
        for (String argument : size == null ? List.of("cursor") : List.of("page_size", "cursor")) {
            if (!arguments.contains(argument)) {
                throw fail(at, field + ".paging", "paging needs the argument '" + argument + "' in the input schema");
            }
        }
        String token = text(node.get("token"), at, field + ".paging.token");
        String in = text(node.get("in"), at, field + ".paging.in");
        if (in != null && !Set.of("query", "body").contains(in)) {
            throw fail(at, field + ".paging.in", "must be query or body, got '" + in + "'");
        }
        JsonNode max = node.get("max");
        if (max != null && (!max.canConvertToInt() || max.asInt() < 1)) {
            throw fail(at, field + ".paging.max", "must be a positive integer");
        }
        if (size == null && "offset".equals(style)) {
            throw fail(at, field + ".paging.size", "is needed for offset paging (the page size parameter of the API)");
        }
        return new Paging(style, size, max == null ? Integer.MAX_VALUE : max.asInt(),
                token != null ? token : "page_token".equals(style) ? "page_token" : "offset", "body".equals(in));
    }

    private static Range range(JsonNode node, Set<String> arguments, String at, String field) {
        if (node == null) {
            return null;
        }
        String offset = text(node.get("offset"), at, field + ".range.offset");
        String length = text(node.get("length"), at, field + ".range.length");
        for (String argument : new String[] {offset, length}) {
            if (argument == null || !arguments.contains(argument)) {
                throw fail(at, field + ".range", "offset and length must name arguments of the input schema, got '"
                        + argument + "'");
            }
        }
        JsonNode max = node.get("max");
        if (max == null || !max.canConvertToInt() || max.asInt() < 1) {
            throw fail(at, field + ".range.max", "must be a positive integer (the most bytes one call reads)");
        }
        return new Range(offset, length, max.asInt());
    }

    private static Projection projection(JsonNode node, String at, String field) {
        if (node == null) {
            return Projection.WHOLE;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!Set.of("items", "fields", "lists", "times").contains(name)) {
                throw fail(at, field + "." + name, "is not a field of result (allowed: items, fields, lists, times)");
            }
        }
        Map<String, List<String>> lists = new LinkedHashMap<>();
        JsonNode listNode = node.get("lists");
        if (listNode != null) {
            listNode.fields().forEachRemaining(e -> lists.put(e.getKey(), strings(e.getValue(), at, field + ".lists." + e.getKey())));
        }
        return new Projection(text(node.get("items"), at, field + ".items"), strings(node.get("fields"), at, field + ".fields"),
                lists, strings(node.get("times"), at, field + ".times"));
    }

    private static Call call(JsonNode node, Set<String> arguments, String at, String field) {
        if (node == null) {
            return null;
        }
        String method = method(node, at, field);
        String path = path(node, at, field, arguments, true);
        JsonNode body = node.get("body");
        if (body != null) {
            checkTemplates(body, at, field + ".body", arguments, true);
        }
        return new Call(method, path, templates(node.get("query"), at, field + ".query", arguments, true), body);
    }

    private static Map<String, JsonNode> templates(JsonNode node, String at, String field, Set<String> arguments,
            boolean followUp) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (node == null) {
            return values;
        }
        if (!node.isObject()) {
            throw fail(at, field, "must be a mapping");
        }
        node.fields().forEachRemaining(e -> {
            checkTemplates(e.getValue(), at, field + "." + e.getKey(), arguments, followUp);
            values.put(e.getKey(), e.getValue());
        });
        return values;
    }

    private static void checkTemplates(JsonNode value, String at, String field, Set<String> arguments, boolean followUp) {
        if (value.isTextual()) {
            checkPlaceholders(value.asText(), at, field, arguments, followUp);
        } else if (value.isContainerNode()) {
            value.fields().forEachRemaining(e -> checkTemplates(e.getValue(), at, field + "." + e.getKey(), arguments, followUp));
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    checkTemplates(value.get(i), at, field + "[" + i + "]", arguments, followUp);
                }
            }
        }
    }

    private static void checkPlaceholders(String template, String at, String field, Set<String> arguments,
            boolean followUp) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String name = m.group(2);
            boolean known = name.startsWith(RESPONSE_PREFIX) ? followUp : arguments.contains(name);
            if (!known) {
                throw fail(at, field, "references '" + name + "', which is " + (name.startsWith(RESPONSE_PREFIX)
                        ? "only known in a follow-up call (then)" : "not an argument of the input schema"));
            }
        }
    }

    private static BeanStep beanStep(JsonNode node, String at, String field) {
        String text = text(node, at, field);
        if (text == null) {
            return null;
        }
        Matcher m = BEAN_STEP.matcher(text);
        if (!m.matches()) {
            throw fail(at, field, "must be bean.method, got '" + text + "'");
        }
        return new BeanStep(m.group(1), m.group(2));
    }

    private static List<String> strings(JsonNode node, String at, String field) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw fail(at, field, "must be a list of strings");
        }
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return List.copyOf(values);
    }

    private static String text(JsonNode node, String at, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw fail(at, field, "must be a non-blank string");
        }
        return node.asText().trim();
    }

    private static boolean bool(JsonNode node, String at, String field) {
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw fail(at, field, "must be true or false");
        }
        return node.asBoolean();
    }

    private static ToolCatalogException fail(String at, String field, String problem) {
        return new ToolCatalogException("Tool catalog " + at + ": field '" + field + "' " + problem);
    }
}
