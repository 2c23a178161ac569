package dev.lakehouse.gateway.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.lakehouse.gateway.mcp.IncomingMessage;
import dev.lakehouse.gateway.mcp.JsonRpcException;
import dev.lakehouse.gateway.tools.rest.RestDeclaration;
import dev.lakehouse.gateway.tools.rest.RestDeclarations;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The tools agents can call, loaded from declarative catalog files (YAML) at startup. It is a documentation
 * quality gate: a tool without a description or a valid JSON Schema stops the gateway from starting, with the
 * file and field named, so no undocumented tool ever reaches an agent.
 */
@Component("toolCatalog")
public class ToolCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ToolCatalog.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Set<String> FIELDS = Set.of("name", "title", "description", "group", "route", "inputSchema",
            "outputSchema", "annotations", "guardedWrites", "rest");
    private static final Set<String> HINTS = Set.of("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint");
    private static final String CURSOR_PREFIX = "tools:";

    private final Map<String, ToolDefinition> tools;
    private final int pageSize;
    private final ToolPolicy policy;

    public ToolCatalog(@Value("${gateway.tools.locations}") List<String> locations,
            @Value("${gateway.mcp.tools-page-size}") int pageSize, ToolPolicy policy) {
        this.pageSize = pageSize;
        this.policy = policy;
        this.tools = Collections.unmodifiableMap(load(locations));
        LOG.info("tool catalog: {} tools from {}", tools.size(), locations);
    }

    static Map<String, ToolDefinition> load(List<String> locations) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema metaSchema = registry.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        Map<String, ToolDefinition> loaded = new LinkedHashMap<>();
        for (String location : locations) {
            if (location.isBlank()) {
                continue;
            }
            Resource[] resources;
            try {
                resources = resolver.getResources(location.trim());
            } catch (IOException e) {
                throw new ToolCatalogException("Tool catalog location " + location + " cannot be read: " + e.getMessage());
            }
            for (Resource resource : resources) {
                String source = resource.getDescription();
                JsonNode root;
                try (InputStream in = resource.getInputStream()) {
                    root = yaml.readTree(in);
                } catch (IOException e) {
                    throw new ToolCatalogException("Tool catalog " + source + " is not valid YAML: " + e.getMessage());
                }
                JsonNode list = root == null ? null : root.get("tools");
                if (list == null || !list.isArray()) {
                    throw new ToolCatalogException("Tool catalog " + source + ": top-level field 'tools' (a list) is missing");
                }
                int index = 0;
                for (JsonNode node : list) {
                    ToolDefinition tool = parse(node, source + " tools[" + index++ + "]", registry, metaSchema);
                    if (loaded.putIfAbsent(tool.name(), tool) != null) {
                        throw new ToolCatalogException("Tool catalog " + source + ": tool name '" + tool.name()
                                + "' is already declared in " + loaded.get(tool.name()).source());
                    }
                }
            }
        }
        return loaded;
    }

    private static ToolDefinition parse(JsonNode node, String where, SchemaRegistry registry, Schema metaSchema) {
        if (!node.isObject()) {
            throw new ToolCatalogException("Tool catalog " + where + ": must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new ToolCatalogException("Tool catalog " + where + ": unknown field '" + field + "' (allowed: " + FIELDS + ")");
            }
        }
        String name = requiredText(node, "name", where);
        if (!NAME.matcher(name).matches()) {
            throw new ToolCatalogException("Tool catalog " + where + ": field 'name' must match [A-Za-z0-9_.-]{1,128}, got '" + name + "'");
        }
        String at = where + " (" + name + ")";
        String description = requiredText(node, "description", at);
        String group = requiredText(node, "group", at);
        JsonNode title = node.get("title");
        Schema inputValidator = schema(node, "inputSchema", true, at, registry, metaSchema);
        // a tool is either a hand-written route or a REST declaration run by the rest-tool template, never both
        RestDeclaration rest = null;
        String route;
        if (node.has("rest")) {
            if (node.has("route")) {
                throw new ToolCatalogException("Tool catalog " + at + ": fields 'route' and 'rest' exclude each other "
                        + "(a declared REST tool runs on the rest-tool template)");
            }
            rest = RestDeclarations.parse(node.get("rest"), node.get("inputSchema"), at);
            route = "direct:" + ToolDefinition.routeIdOf(name);
        } else {
            route = requiredText(node, "route", at);
            if (!route.startsWith("direct:")) {
                throw new ToolCatalogException("Tool catalog " + at + ": field 'route' must be a direct: endpoint, got '" + route + "'");
            }
        }
        Schema outputValidator = schema(node, "outputSchema", false, at, registry, metaSchema);
        Map<String, Boolean> annotations = new LinkedHashMap<>();
        JsonNode hints = node.get("annotations");
        if (hints != null) {
            if (!hints.isObject()) {
                throw new ToolCatalogException("Tool catalog " + at + ": field 'annotations' must be a mapping");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = hints.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> hint = it.next();
                if (!HINTS.contains(hint.getKey()) || !hint.getValue().isBoolean()) {
                    throw new ToolCatalogException("Tool catalog " + at + ": field 'annotations." + hint.getKey()
                            + "' must be one of " + HINTS + " with a boolean value");
                }
                annotations.put(hint.getKey(), hint.getValue().asBoolean());
            }
        }
        JsonNode guarded = node.get("guardedWrites");
        if (guarded != null && !guarded.isBoolean()) {
            throw new ToolCatalogException("Tool catalog " + at + ": field 'guardedWrites' must be a boolean");
        }
        return new ToolDefinition(name, title == null ? null : title.asText(), description, group, route,
                node.get("inputSchema"), node.get("outputSchema"), annotations, at, inputValidator, outputValidator,
                guarded != null && guarded.asBoolean(), rest);
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ToolCatalogException("Tool catalog " + where + ": field '" + field + "' is missing or blank");
        }
        return value.asText().trim();
    }

    private static Schema schema(JsonNode node, String field, boolean required, String where, SchemaRegistry registry,
            Schema metaSchema) {
        JsonNode schema = node.get(field);
        if (schema == null) {
            if (required) {
                throw new ToolCatalogException("Tool catalog " + where + ": field '" + field + "' is missing");
            }
            return null;
        }
        if (!schema.isObject() || !"object".equals(schema.path("type").asText())) {
            throw new ToolCatalogException("Tool catalog " + where + ": field '" + field
                    + "' must be a JSON Schema object with type: object");
        }
        var problems = metaSchema.validate(schema);
        if (!problems.isEmpty()) {
            throw new ToolCatalogException("Tool catalog " + where + ": field '" + field
                    + "' is not a valid JSON Schema 2020-12: " + problems.get(0).getMessage());
        }
        return registry.getSchema(schema);
    }

    public Map<String, ToolDefinition> all() {
        return tools;
    }

    /** Tools this caller may see: the tenant connection's exposure policy (token scopes plug in here too). */
    public List<ToolDefinition> visibleTools(Exchange exchange) {
        return policy.filter(new ArrayList<>(tools.values()), exchange);
    }

    /** tools/list: one page of the visible tools, with an opaque cursor for the next; an invalid cursor is -32602. */
    public Map<String, Object> listPage(Exchange exchange) {
        return listPage(exchange, visibleTools(exchange));
    }

    /** tools/list of the given tools (e.g. only the listed groups), one page at a time. */
    public Map<String, Object> listPage(Exchange exchange, List<ToolDefinition> visible) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        int offset = decodeCursor(message.params().get("cursor"), visible.size());
        int end = Math.min(visible.size(), offset + pageSize);
        List<Map<String, Object>> page = new ArrayList<>();
        for (ToolDefinition tool : visible.subList(offset, end)) {
            page.add(tool.toWire());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tools", page);
        if (end < visible.size()) {
            result.put("nextCursor", encodeCursor(end));
        }
        return result;
    }

    static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((CURSOR_PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    static int decodeCursor(JsonNode cursor, int size) {
        if (cursor == null || cursor.isNull()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor.asText()), StandardCharsets.UTF_8);
            if (cursor.isTextual() && decoded.startsWith(CURSOR_PREFIX)) {
                int offset = Integer.parseInt(decoded.substring(CURSOR_PREFIX.length()));
                if (offset > 0 && offset < size) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw JsonRpcException.invalidParams("Invalid cursor: use the nextCursor of a previous tools/list answer");
    }

    /** tools/call, tool lookup step: the named tool, if this caller may see it; otherwise -32602. */
    public void lookup(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        JsonNode name = message.params().get("name");
        if (name == null || !name.isTextual()) {
            throw JsonRpcException.invalidParams("tools/call: params.name (string) is required");
        }
        // by name first, then whether this caller may see it: the visibility of one tool, not of the whole catalog
        ToolDefinition named = tools.get(name.asText());
        ToolDefinition tool = named == null || policy.filter(List.of(named), exchange).isEmpty() ? null : named;
        if (tool == null) {
            throw JsonRpcException.invalidParams("Unknown tool: " + name.asText());
        }
        JsonNode arguments = message.params().get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            throw JsonRpcException.invalidParams("tools/call: params.arguments must be an object");
        }
        exchange.setVariable("tool", tool);
        exchange.setVariable("toolName", tool.name());
        exchange.setVariable("toolRoute", tool.route());
        exchange.setVariable("toolArguments", arguments == null || arguments.isNull()
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : arguments);
    }
}
