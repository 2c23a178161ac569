package dev.lakehouse.gateway.tools.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import dev.lakehouse.gateway.databricks.DatabricksProperties;
import dev.lakehouse.gateway.databricks.DatabricksShapes;
import dev.lakehouse.gateway.ratelimit.ApiFamily;
import dev.lakehouse.gateway.tools.ToolDefinition;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Call;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Paging;
import dev.lakehouse.gateway.tools.rest.RestDeclaration.Range;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The steps of route template {@code rest-tool}: the request of a declared tool from its arguments, the follow-up
 * call, and the projection of the answer. Everything a tool differs in is in its declaration (variable {@code tool});
 * this bean holds no state between calls.
 */
@Component("restTools")
public class RestTools {

    /** Variable: the declaration that applies to this call (the {@code when} variant, if its argument is given). */
    public static final String DECLARATION = "restDeclaration";
    /** Variable: the byte range a ranged read asked for ({offset, length}), for the step that renders it. */
    public static final String RANGE = "restRange";
    /** Variable: {offset, page size} of an offset-paged call, for the next cursor. */
    private static final String OFFSET = "restOffset";

    private final DatabricksProperties properties;
    private final RestProjection projection;

    public RestTools(DatabricksProperties properties,
            // longest text of any one field an agent gets from a declared tool (a view definition, a comment)
            @Value("${gateway.tools.rest.max-field-chars}") int maxFieldChars) {
        this.properties = properties;
        this.projection = new RestProjection(maxFieldChars);
    }

    /** Step 9 of a declared tool: method, path, query, body, headers and family of its call, from the arguments. */
    public void request(Exchange exchange) {
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        RestDeclaration rest = tool.rest().forArguments(arguments);
        exchange.setVariable(DECLARATION, rest);
        RestRequests requests = new RestRequests(arguments, tool.inputSchema(), null);
        String path = requests.path(rest.path());
        Map<String, Object> query = requests.query(rest.query());
        JsonNode body = rest.body() == null ? null : requests.fill(rest.body());
        if (rest.paging().pages()) {
            body = page(exchange, rest.paging(), arguments, query, body);
        }
        DatabricksCalls.request(exchange, rest.method(), path, query, body, rest.hint());
        exchange.setVariable(ApiFamily.VARIABLE, rest.family());
        Map<String, String> headers = new LinkedHashMap<>();
        rest.headers().forEach((name, template) -> {
            JsonNode value = requests.fill(JsonNodeFactory.instance.textNode(template));
            if (value != null) {
                headers.put(name, value.asText());
            }
        });
        if (rest.range() != null) {
            headers.put("Range", range(exchange, rest.range(), arguments));
        }
        if (!headers.isEmpty()) {
            exchange.setVariable(DatabricksCalls.HEADERS, headers);
        }
        exchange.setVariable(DatabricksCalls.RAW, rest.raw());
        rest.variables().forEach(exchange::setVariable);
    }

    /** The page size (the gateway's cap and the API's own) and the upstream position from the agent's cursor. */
    private JsonNode page(Exchange exchange, Paging paging, JsonNode arguments, Map<String, Object> query, JsonNode body) {
        int size = arguments.path("page_size").asInt(properties.defaultPageSize());
        size = Math.max(1, Math.min(size, Math.min(properties.maxPageSize(), paging.max())));
        String cursor = arguments.path("cursor").asText("");
        Map<String, Object> position = new LinkedHashMap<>();
        if (paging.sizeParam() != null) {
            position.put(paging.sizeParam(), size);
        }
        String upstream = cursor.isBlank() ? null : DatabricksShapes.decode(cursor);
        if ("offset".equals(paging.style())) {
            if (upstream != null && (upstream.length() > 18 || !upstream.chars().allMatch(Character::isDigit))) {
                throw new ToolExecutionException("Invalid cursor: pass the next_cursor value of the previous page unchanged.");
            }
            long offset = upstream == null ? 0 : Long.parseLong(upstream);
            position.put(paging.tokenParam(), offset);
            exchange.setVariable(OFFSET, new long[] {offset, size});
        } else if (upstream != null) {
            position.put(paging.tokenParam(), upstream);
        }
        if (!paging.inBody()) {
            query.putAll(position);
            return body;
        }
        ObjectNode paged = body instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        position.forEach((name, value) -> paged.set(name, JsonNodeFactory.instance.pojoNode(value)));
        return paged;
    }

    private static String range(Exchange exchange, Range range, JsonNode arguments) {
        long offset = Math.max(0, arguments.path(range.offsetArgument()).asLong(0));
        long length = arguments.path(range.lengthArgument()).asLong(range.max());
        length = Math.max(1, Math.min(length, range.max()));
        Map<String, Long> asked = new LinkedHashMap<>();
        asked.put("offset", offset);
        asked.put("length", length);
        exchange.setVariable(RANGE, asked);
        return "bytes=" + offset + "-" + (offset + length - 1);
    }

    /** Whether the declaration has a second call (then:). */
    public boolean hasFollowUp(Exchange exchange) {
        return exchange.getVariable(DECLARATION, RestDeclaration.class).then() != null;
    }

    /** The follow-up call, filled from the arguments and the first answer; the family follows its own path. */
    public void followUp(Exchange exchange) {
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        RestDeclaration rest = exchange.getVariable(DECLARATION, RestDeclaration.class);
        Call then = rest.then();
        RestRequests requests = new RestRequests(exchange.getVariable("toolArguments", JsonNode.class), tool.inputSchema(),
                exchange.getVariable("dbResponse", JsonNode.class));
        DatabricksCalls.request(exchange, then.method(), requests.path(then.path()), requests.query(then.query()),
                then.body() == null ? null : requests.fill(then.body()), rest.hint());
    }

    /** Step 12 input: the declared part of the answer, with the cursor of the next page when there is one. */
    public ObjectNode project(Exchange exchange) {
        RestDeclaration rest = exchange.getVariable(DECLARATION, RestDeclaration.class);
        JsonNode response = exchange.getVariable("dbResponse", JsonNode.class);
        ObjectNode projected = projection.project(response, rest.result());
        if (rest.result().items() != null) {
            exchange.setVariable("resultItems", rest.result().items());
        }
        Paging paging = rest.paging();
        if ("page_token".equals(paging.style())) {
            String next = response.path("next_page_token").asText("");
            if (!next.isEmpty()) {
                projected.put("next_cursor", DatabricksShapes.encode(next));
            }
        } else if ("offset".equals(paging.style()) && rest.result().items() != null) {
            // a full page may have more behind it; a short one is the last
            long[] position = exchange.getVariable(OFFSET, long[].class);
            int count = projected.path(rest.result().items()).size();
            if (position != null && count >= position[1]) {
                projected.put("next_cursor", DatabricksShapes.encode(String.valueOf(position[0] + count)));
            }
        }
        return projected;
    }

    /** Default check step: nothing to check beyond the input schema. */
    public void noCheck(Exchange exchange) {
        // the JSON Schema of the arguments said all there is to say
    }

    /** Default refusal step: a refused call's tool error goes to the agent as it is. */
    public void refusalAsIs(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        throw caught == null ? new ToolExecutionException("The Databricks call failed.") : caught;
    }

    /** Default shape step: the projection is the answer. */
    public void asProjected(Exchange exchange) {
        // the projected body stays as it is
    }
}
