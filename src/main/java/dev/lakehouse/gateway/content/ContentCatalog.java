package dev.lakehouse.gateway.content;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.lakehouse.gateway.mcp.IncomingMessage;
import dev.lakehouse.gateway.mcp.InputRequiredException;
import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.mcp.JsonRpcErrors;
import dev.lakehouse.gateway.mcp.JsonRpcException;
import dev.lakehouse.gateway.tools.ToolCatalogException;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Declared MCP resources, resource templates and prompts (YAML files at {@code gateway.content.locations}).
 * The gateway serves lakehouse data through tools; this catalog exists for static documents and prompts, and for
 * the conformance fixtures. Empty by default, in which case the capabilities are not advertised.
 */
@Component("contentCatalog")
public class ContentCatalog {

    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{([A-Za-z0-9_]+)}");
    private static final int MAX_COMPLETIONS = 100;

    private final List<ObjectNode> resources = new ArrayList<>();
    private final List<ObjectNode> templates = new ArrayList<>();
    private final Map<String, ObjectNode> prompts = new LinkedHashMap<>();

    public ContentCatalog(@Value("${gateway.content.locations:}") List<String> locations) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        for (String location : locations) {
            if (location.isBlank()) {
                continue;
            }
            try {
                for (Resource resource : resolver.getResources(location.trim())) {
                    try (InputStream in = resource.getInputStream()) {
                        JsonNode root = yaml.readTree(in);
                        root.path("resources").forEach(r -> resources.add((ObjectNode) r));
                        root.path("resourceTemplates").forEach(t -> templates.add((ObjectNode) t));
                        root.path("prompts").forEach(p -> prompts.put(p.path("name").asText(), (ObjectNode) p));
                    }
                }
            } catch (IOException | ClassCastException e) {
                throw new ToolCatalogException("Content catalog " + location + " cannot be read: " + e.getMessage());
            }
        }
        for (ObjectNode prompt : prompts.values()) {
            if (prompt.path("description").asText().isBlank()) {
                throw new ToolCatalogException("Content catalog: prompt '" + prompt.path("name").asText()
                        + "': field 'description' is missing or blank");
            }
        }
    }

    public boolean hasResources() {
        return !resources.isEmpty() || !templates.isEmpty();
    }

    /** completion/complete applies to prompts and resource templates: offered when either exists. */
    public boolean hasAny() {
        return hasResources() || hasPrompts();
    }

    public boolean hasPrompts() {
        return !prompts.isEmpty();
    }

    private static IncomingMessage message(Exchange exchange) {
        return exchange.getVariable("mcpMessage", IncomingMessage.class);
    }

    /** Lists are small and unpaginated; any cursor is therefore invalid. */
    private static void refuseCursor(IncomingMessage message) {
        JsonNode cursor = message.params().get("cursor");
        if (cursor != null && !cursor.isNull()) {
            throw JsonRpcException.invalidParams("Invalid cursor");
        }
    }

    public Map<String, Object> listResources(Exchange exchange) {
        refuseCursor(message(exchange));
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ObjectNode resource : resources) {
            listed.add(pick(resource, "uri", "name", "title", "description", "mimeType"));
        }
        return Map.of("resources", listed);
    }

    public Map<String, Object> listResourceTemplates(Exchange exchange) {
        refuseCursor(message(exchange));
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ObjectNode template : templates) {
            listed.add(pick(template, "uriTemplate", "name", "title", "description", "mimeType"));
        }
        return Map.of("resourceTemplates", listed);
    }

    public Map<String, Object> readResource(Exchange exchange) {
        String uri = requiredText(message(exchange).params(), "uri", "resources/read");
        for (ObjectNode resource : resources) {
            if (resource.path("uri").asText().equals(uri)) {
                return Map.of("contents", List.of(contents(resource, uri, Map.of())));
            }
        }
        for (ObjectNode template : templates) {
            Map<String, String> variables = match(template.path("uriTemplate").asText(), uri);
            if (variables != null) {
                return Map.of("contents", List.of(contents(template, uri, variables)));
            }
        }
        throw new JsonRpcException(JsonRpcErrors.RESOURCE_NOT_FOUND, "Resource not found: " + uri, Map.of("uri", uri));
    }

    /** Subscriptions are accepted for known resources; declared resources never change, so no update follows. */
    public Map<String, Object> subscribe(Exchange exchange) {
        readResource(exchange);
        return Map.of();
    }

    private Map<String, Object> contents(ObjectNode declared, String uri, Map<String, String> variables) {
        Map<String, Object> contents = new LinkedHashMap<>();
        contents.put("uri", uri);
        if (declared.has("mimeType")) {
            contents.put("mimeType", declared.path("mimeType").asText());
        }
        if (declared.has("blob")) {
            contents.put("blob", declared.path("blob").asText());
        } else {
            contents.put("text", substitute(declared.path("text").asText(), variables, "{", "}"));
        }
        return contents;
    }

    static Map<String, String> match(String uriTemplate, String uri) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = TEMPLATE_VARIABLE.matcher(uriTemplate);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(uriTemplate.substring(last, m.start()))).append("([^/?#]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(uriTemplate.substring(last)));
        Matcher value = Pattern.compile(regex.toString()).matcher(uri);
        if (!value.matches()) {
            return null;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            variables.put(names.get(i), value.group(i + 1));
        }
        return variables;
    }

    public Map<String, Object> listPrompts(Exchange exchange) {
        refuseCursor(message(exchange));
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ObjectNode prompt : prompts.values()) {
            Map<String, Object> wire = pick(prompt, "name", "title", "description");
            List<Map<String, Object>> arguments = new ArrayList<>();
            prompt.path("arguments").forEach(a -> arguments.add(pick((ObjectNode) a, "name", "description", "required")));
            wire.put("arguments", arguments);
            listed.add(wire);
        }
        return Map.of("prompts", listed);
    }

    public Map<String, Object> getPrompt(Exchange exchange) {
        ObjectNode params = message(exchange).params();
        String name = requiredText(params, "name", "prompts/get");
        ObjectNode prompt = prompts.get(name);
        if (prompt == null) {
            throw JsonRpcException.invalidParams("Unknown prompt: " + name);
        }
        JsonNode given = params.path("arguments");
        Map<String, String> arguments = new LinkedHashMap<>();
        for (JsonNode declared : prompt.path("arguments")) {
            String argument = declared.path("name").asText();
            JsonNode value = given.get(argument);
            if (value == null || value.isNull()) {
                if (declared.path("required").asBoolean(false)) {
                    throw JsonRpcException.invalidParams("prompts/get " + name + ": argument '" + argument + "' is required");
                }
                continue;
            }
            arguments.put(argument, value.asText());
        }
        arguments.putAll(askedAnswers(exchange, prompt));
        ArrayNode messages = prompt.path("messages").deepCopy();
        substituteAll(messages, arguments);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("description", prompt.path("description").asText());
        result.put("messages", messages);
        return result;
    }

    /**
     * A prompt that declares {@code asks} (each a key, a message and the answer's field) asks the user before it is
     * rendered: in a session by elicitation/create, on 2026-07-28 by InputRequiredResult. Each answer fills
     * {@code {{key}}} in the messages, like an argument.
     */
    private static Map<String, String> askedAnswers(Exchange exchange, ObjectNode prompt) {
        JsonNode asks = prompt.path("asks");
        Map<String, String> answers = new LinkedHashMap<>();
        if (!asks.isArray() || asks.isEmpty()) {
            return answers;
        }
        Map<String, InputRequiredException.InputRequest> questions = new LinkedHashMap<>();
        for (JsonNode ask : asks) {
            String field = ask.path("field").asText();
            questions.put(ask.path("key").asText(), new InputRequiredException.InputRequest("elicitation/create",
                    Map.of("message", ask.path("message").asText(), "requestedSchema", Map.of("type", "object",
                            "properties", Map.of(field, Map.of("type", "string")), "required", List.of(field)))));
        }
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        ObjectNode given = call.requireInputs(questions);
        for (JsonNode ask : asks) {
            String key = ask.path("key").asText();
            answers.put(key, given.path(key).path("content").path(ask.path("field").asText()).asText(""));
        }
        return answers;
    }

    /** completion/complete: declared candidate values of a prompt argument, filtered by the typed prefix. */
    public Map<String, Object> complete(Exchange exchange) {
        ObjectNode params = message(exchange).params();
        JsonNode ref = params.path("ref");
        String argument = params.path("argument").path("name").asText(null);
        if (argument == null) {
            throw JsonRpcException.invalidParams("completion/complete: params.argument.name is required");
        }
        String prefix = params.path("argument").path("value").asText("").toLowerCase();
        List<String> values = new ArrayList<>();
        switch (ref.path("type").asText()) {
            case "ref/prompt" -> {
                ObjectNode prompt = prompts.get(ref.path("name").asText());
                if (prompt == null) {
                    throw JsonRpcException.invalidParams("Unknown prompt: " + ref.path("name").asText());
                }
                for (JsonNode declared : prompt.path("arguments")) {
                    if (declared.path("name").asText().equals(argument)) {
                        declared.path("completions").forEach(v -> {
                            if (v.asText().toLowerCase().startsWith(prefix)) {
                                values.add(v.asText());
                            }
                        });
                    }
                }
            }
            case "ref/resource" -> {
                // template variables have no declared candidates
            }
            default -> throw JsonRpcException.invalidParams("completion/complete: ref.type must be ref/prompt or ref/resource");
        }
        List<String> page = values.subList(0, Math.min(MAX_COMPLETIONS, values.size()));
        return Map.of("completion", Map.of("values", page, "total", values.size(), "hasMore", values.size() > page.size()));
    }

    private static void substituteAll(JsonNode node, Map<String, String> arguments) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(substitute(field.getValue().asText(), arguments, "{{", "}}")));
                } else {
                    substituteAll(field.getValue(), arguments);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> substituteAll(child, arguments));
        }
    }

    private static String substitute(String text, Map<String, String> values, String open, String close) {
        String result = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            result = result.replace(open + value.getKey() + close, value.getValue());
        }
        return result;
    }

    private static String requiredText(ObjectNode params, String field, String method) {
        JsonNode value = params.get(field);
        if (value == null || !value.isTextual()) {
            throw JsonRpcException.invalidParams(method + ": params." + field + " (string) is required");
        }
        return value.asText();
    }

    private static Map<String, Object> pick(ObjectNode node, String... fields) {
        Map<String, Object> picked = new LinkedHashMap<>();
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null) {
                picked.put(field, value.isBoolean() ? value.asBoolean() : value.isTextual() ? value.asText() : value);
            }
        }
        return picked;
    }
}
