package dev.lakehouse.gateway.tools;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;

import dev.lakehouse.gateway.tools.rest.RestDeclaration;

/**
 * A tool as declared in a catalog file: what the model sees (name, title, description, schemas, annotations), its
 * group, and the Camel route that implements it: a hand-written route ({@code route:}) or, for a tool that is one
 * Databricks REST call, its declaration ({@code rest:}) run by route template {@code rest-tool}.
 */
public record ToolDefinition(
        String name,
        String title,
        String description,
        String group,
        String route,
        JsonNode inputSchema,
        JsonNode outputSchema,
        Map<String, Boolean> annotations,
        String source,
        Schema inputValidator,
        Schema outputValidator,
        boolean guardedWrites,
        RestDeclaration rest) {

    /** A tool with its own route and without guarded writes (most hand-written tools). */
    public ToolDefinition(String name, String title, String description, String group, String route, JsonNode inputSchema,
            JsonNode outputSchema, Map<String, Boolean> annotations, String source, Schema inputValidator,
            Schema outputValidator) {
        this(name, title, description, group, route, inputSchema, outputSchema, annotations, source, inputValidator,
                outputValidator, false, null);
    }

    /** The route name of a tool: {@code list_catalogs} → {@code list-catalogs} (its endpoint is direct:tool-list-catalogs). */
    public static String routeNameOf(String toolName) {
        return toolName.replace('_', '-').replace('.', '-');
    }

    /** The id of the route a declared tool runs on, e.g. {@code tool-list-catalogs}. */
    public static String routeIdOf(String toolName) {
        return "tool-" + routeNameOf(toolName);
    }

    /** Vendor key for the group tag in a tool's {@code _meta} (MCP reserves only the modelcontextprotocol/mcp prefixes). */
    public static final String GROUP_META_KEY = "dev.lakehouse/group";

    /** The tool as listed in tools/list. */
    public Map<String, Object> toWire() {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("name", name);
        if (title != null) {
            wire.put("title", title);
        }
        wire.put("description", description);
        wire.put("inputSchema", inputSchema);
        if (outputSchema != null) {
            wire.put("outputSchema", outputSchema);
        }
        if (!annotations.isEmpty() || title != null) {
            Map<String, Object> hints = new LinkedHashMap<>();
            if (title != null) {
                hints.put("title", title);
            }
            hints.putAll(annotations);
            wire.put("annotations", hints);
        }
        wire.put("_meta", Map.of(GROUP_META_KEY, group));
        return wire;
    }
}
