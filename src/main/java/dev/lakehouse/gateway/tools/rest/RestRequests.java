package dev.lakehouse.gateway.tools.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.lakehouse.gateway.tools.ToolExecutionException;

/**
 * Fills the templates of a REST declaration from a call's arguments (and, for a follow-up call, the first answer).
 * A value that is exactly one placeholder keeps the argument's JSON type (a job_id stays a number, job_parameters an
 * object); an absent argument (without a schema default) drops the entry, so optional parameters are not sent.
 * Path placeholders are URL-encoded; a {@code {+path}} may span segments but never holds a {@code .} or {@code ..}
 * segment, so no argument can walk the URL to another API.
 */
final class RestRequests {

    private final JsonNode arguments;
    private final JsonNode defaults;
    private final JsonNode response;

    RestRequests(JsonNode arguments, JsonNode inputSchema, JsonNode response) {
        this.arguments = arguments;
        this.defaults = inputSchema.path("properties");
        this.response = response;
    }

    /** The value of one placeholder name, or null when the call has none. */
    JsonNode lookup(String name) {
        JsonNode value;
        if (name.startsWith(RestDeclarations.RESPONSE_PREFIX)) {
            value = response == null ? null
                    : response.at("/" + name.substring(RestDeclarations.RESPONSE_PREFIX.length()).replace('.', '/'));
        } else {
            value = arguments.get(name);
            if (value == null || value.isNull()) {
                value = defaults.path(name).get("default");
            }
        }
        return value == null || value.isNull() || value.isMissingNode() ? null : value;
    }

    /** A template filled in: JSON of the argument's type, a string, a container of filled values, or null. */
    JsonNode fill(JsonNode template) {
        if (template.isTextual()) {
            String text = template.asText();
            Matcher whole = RestDeclarations.PLACEHOLDER.matcher(text);
            if (whole.matches()) {
                return lookup(whole.group(2));
            }
            StringBuilder filled = new StringBuilder();
            Matcher m = RestDeclarations.PLACEHOLDER.matcher(text);
            while (m.find()) {
                JsonNode value = lookup(m.group(2));
                if (value == null) {
                    return null;
                }
                m.appendReplacement(filled, Matcher.quoteReplacement(value.asText()));
            }
            m.appendTail(filled);
            return TextNode.valueOf(filled.toString());
        }
        if (template.isObject()) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            template.fields().forEachRemaining(e -> {
                JsonNode value = fill(e.getValue());
                if (value != null) {
                    object.set(e.getKey(), value);
                }
            });
            return object;
        }
        if (template.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            template.forEach(item -> {
                JsonNode value = fill(item);
                if (value != null) {
                    array.add(value);
                }
            });
            return array;
        }
        return template;
    }

    /** Query parameters: scalars as their text, containers as JSON; absent values left out. */
    Map<String, Object> query(Map<String, JsonNode> templates) {
        Map<String, Object> query = new LinkedHashMap<>();
        templates.forEach((name, template) -> {
            JsonNode value = fill(template);
            if (value != null) {
                query.put(name, value.isValueNode() ? value.asText() : value.toString());
            }
        });
        return query;
    }

    /** The path with each placeholder URL-encoded; a required one that is missing is a clear tool error. */
    String path(String template) {
        StringBuilder path = new StringBuilder();
        Matcher m = RestDeclarations.PLACEHOLDER.matcher(template);
        while (m.find()) {
            String name = m.group(2);
            JsonNode value = lookup(name);
            if (value == null || value.asText().isBlank()) {
                throw new ToolExecutionException("Argument '" + name + "' is required. Nothing was called.");
            }
            String encoded = m.group(1).isEmpty() ? encode(value.asText()) : segments(name, value.asText());
            m.appendReplacement(path, Matcher.quoteReplacement(encoded));
        }
        m.appendTail(path);
        return path.toString();
    }

    /** A multi-segment path argument: "/Volumes/a/b" becomes "/Volumes/a/b" with each segment encoded. */
    private static String segments(String name, String value) {
        String trimmed = value.startsWith("/") ? value.substring(1) : value;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        StringBuilder path = new StringBuilder();
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new ToolExecutionException("Argument '" + name + "' must be an absolute path without empty, '.' "
                        + "or '..' segments, got '" + value + "'. Nothing was called.");
            }
            path.append('/').append(encode(segment));
        }
        return path.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
