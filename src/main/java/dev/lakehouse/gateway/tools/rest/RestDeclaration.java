package dev.lakehouse.gateway.tools.rest;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.ratelimit.ApiFamily;

/**
 * The {@code rest:} block of a tool declared in {@code routes/tools/*.yaml}: one Databricks REST call (plus paging and
 * an optional follow-up read) that the route template {@code rest-tool} runs through the common pipeline. Values in
 * {@code path}, {@code query}, {@code body} and {@code headers} name the tool's arguments as {@code {arg}}
 * (URL-encoded in a path), {@code {+arg}} (a path of several segments) or {@code {response.field}} (a follow-up call
 * reading the first answer). Parsed and checked by {@link RestDeclarations}.
 */
public record RestDeclaration(
        String method,
        String path,
        Map<String, JsonNode> query,
        JsonNode body,
        Map<String, String> headers,
        ApiFamily family,
        Paging paging,
        Range range,
        boolean raw,
        String hint,
        Projection result,
        Call then,
        Map<String, String> variables,
        BeanStep check,
        BeanStep refusal,
        BeanStep shape,
        String whenArgument,
        RestDeclaration whenGiven) {

    /**
     * How one page is asked for: {@code page_token} (opaque token), {@code offset}, or {@code none}; {@code sizeParam}
     * is the API's page-size parameter (null where the API has none), {@code max} the most it accepts.
     */
    public record Paging(String style, String sizeParam, int max, String tokenParam, boolean inBody) {
        public static final Paging NONE = new Paging("none", null, 0, null, false);

        public boolean pages() {
            return !"none".equals(style);
        }
    }

    /** A byte range read: the Range header from two arguments, capped at {@code max} bytes. */
    public record Range(String offsetArgument, String lengthArgument, int max) { }

    /**
     * What of the answer reaches the agent: the list under {@code items} (or the object itself), only the named
     * fields (dotted names reach into nested objects), nested lists reduced to their own fields, epoch-millisecond
     * times as ISO-8601. Long texts are clipped (gateway.tools.rest.max-field-chars).
     */
    public record Projection(String items, List<String> fields, Map<String, List<String>> lists, List<String> times) {
        public static final Projection WHOLE = new Projection(null, List.of(), Map.of(), List.of());
    }

    /** A second call after the first succeeded (the state right after a change, or a read the first one pointed at). */
    public record Call(String method, String path, Map<String, JsonNode> query, JsonNode body) { }

    /** A step of the tool's own (a small named bean), e.g. {@code computeShapes.cluster}. */
    public record BeanStep(String bean, String method) {
        @Override
        public String toString() {
            return bean + "." + method;
        }
    }

    /** The declaration that applies to these arguments: the {@code when} variant if its argument is given. */
    public RestDeclaration forArguments(JsonNode arguments) {
        if (whenArgument == null) {
            return this;
        }
        JsonNode value = arguments.get(whenArgument);
        boolean given = value != null && !value.isNull() && !(value.isTextual() && value.asText().isBlank());
        return given ? whenGiven : this;
    }
}
