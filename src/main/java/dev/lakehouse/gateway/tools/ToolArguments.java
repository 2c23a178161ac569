package dev.lakehouse.gateway.tools;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Step 5 of the pipeline: arguments are checked against the tool's JSON Schema 2020-12. A violation is a tool error
 * the model can correct (MCP 2025-11-25), not a protocol error.
 */
@Component("toolArguments")
public class ToolArguments {

    private static final int MAX_REPORTED = 10;

    private final ObjectMapper mapper;

    public ToolArguments(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Validates {@code toolArguments}; on success the body becomes the arguments as a Map for the tool route. */
    public void validate(Exchange exchange) {
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        List<com.networknt.schema.Error> errors = tool.inputValidator().validate(arguments);
        if (!errors.isEmpty()) {
            String detail = errors.stream().limit(MAX_REPORTED).map(ToolArguments::describe)
                    .collect(Collectors.joining("\n"));
            throw new ToolExecutionException("Invalid arguments for tool " + tool.name() + ":\n" + detail
                    + "\nFix the arguments to match the tool's inputSchema and call it again.");
        }
        exchange.getMessage().setBody(mapper.convertValue(arguments, Map.class));
    }

    /** One violation with the argument it is about (e.g. {@code index_name: does not match ...}), for the model to fix. */
    static String describe(com.networknt.schema.Error error) {
        String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        String argument = location.replaceFirst("^[$/.]+", "").replace('/', '.');
        String message = error.getMessage();
        return "- " + (argument.isEmpty() || message.startsWith(argument) ? "" : argument + ": ") + message;
    }
}
