package dev.lakehouse.gateway.databricks.catalog;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Unity Catalog functions for agents: a function's input parameters as a JSON Schema (describe_function), and its
 * call (execute_function) as one statement, {@code SELECT c.s.f(p => :p, ...)} or, for a table function,
 * {@code SELECT * FROM c.s.f(p => :p, ...)}, whose values travel as statement parameters: an argument can never
 * change the SQL. Names come from the function's own metadata and are checked to be plain identifiers.
 */
@Component("functionCalls")
public class FunctionCalls {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FULL_NAME = Pattern.compile("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+\\.[A-Za-z0-9_]+");

    /** describe_function: what the agent needs to call the function. */
    public ObjectNode describe(Exchange exchange) {
        JsonNode function = exchange.getVariable("dbResponse", JsonNode.class);
        ObjectNode described = JsonNodeFactory.instance.objectNode();
        described.put("full_name", function.path("full_name").asText());
        if (function.hasNonNull("comment")) {
            described.put("comment", function.get("comment").asText());
        }
        boolean table = isTableFunction(function);
        described.put("table_function", table);
        described.put("returns", function.path("full_data_type").asText(function.path("data_type").asText("")));
        if (table && function.path("return_params").path("parameters").isArray()) {
            var columns = described.putArray("return_columns");
            for (JsonNode column : function.path("return_params").path("parameters")) {
                columns.addObject().put("name", column.path("name").asText()).put("type", typeOf(column));
            }
        }
        described.set("input_schema", inputSchema(function));
        described.put("next_step", "Call execute_function with full_name \"" + described.get("full_name").asText()
                + "\" and arguments matching input_schema.");
        return described;
    }

    static boolean isTableFunction(JsonNode function) {
        return "TABLE_TYPE".equals(function.path("data_type").asText());
    }

    private static String typeOf(JsonNode parameter) {
        return parameter.path("type_text").asText(parameter.path("type_name").asText("STRING"));
    }

    /** The parameters as a JSON Schema object: SQL types mapped to JSON types, required unless they have a default. */
    static ObjectNode inputSchema(JsonNode function) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        var required = JsonNodeFactory.instance.arrayNode();
        for (JsonNode parameter : parameters(function)) {
            ObjectNode property = properties.putObject(parameter.path("name").asText());
            String type = parameter.path("type_name").asText(typeOf(parameter)).toUpperCase(Locale.ROOT);
            switch (type) {
                case "BYTE", "SHORT", "INT", "LONG", "BIGINT", "INTEGER", "SMALLINT", "TINYINT" -> property.put("type", "integer");
                case "FLOAT", "DOUBLE", "DECIMAL" -> property.put("type", "number");
                case "BOOLEAN" -> property.put("type", "boolean");
                case "DATE" -> property.put("type", "string").put("format", "date");
                case "TIMESTAMP", "TIMESTAMP_NTZ" -> property.put("type", "string").put("format", "date-time");
                default -> property.put("type", "string");
            }
            property.put("description", (parameter.hasNonNull("comment") ? parameter.get("comment").asText() + " " : "")
                    + "(SQL " + typeOf(parameter) + ")");
            if (parameter.hasNonNull("parameter_default")) {
                property.put("default", parameter.get("parameter_default").asText());
            } else {
                required.add(parameter.path("name").asText());
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private static List<JsonNode> parameters(JsonNode function) {
        List<JsonNode> parameters = new ArrayList<>();
        function.path("input_params").path("parameters").forEach(parameters::add);
        parameters.sort((a, b) -> Integer.compare(a.path("position").asInt(), b.path("position").asInt()));
        return parameters;
    }

    /** execute_function, first call: the function's metadata (its parameters and whether it returns a table). */
    public void describeRequest(Exchange exchange) {
        String fullName = exchange.getVariable("toolArguments", JsonNode.class).path("full_name").asText();
        if (!FULL_NAME.matcher(fullName).matches()) {
            throw new ToolExecutionException("full_name must be catalog.schema.function. Nothing was called.");
        }
        DatabricksCalls.request(exchange, "GET", "/api/2.1/unity-catalog/functions/" + fullName, null, null,
                "Use the three-part name catalog.schema.function; find functions with list_functions.");
    }

    /**
     * The function call as the statement execute_sql would run: the arguments checked against the parameters (an
     * unknown or missing one is an isError naming the parameters), values bound as :markers. The SQL flow reads its
     * arguments from variable toolArguments, so the call becomes the execute_sql arguments it stands for.
     */
    public void asStatement(Exchange exchange) {
        JsonNode function = exchange.getVariable("dbResponse", JsonNode.class);
        JsonNode args = exchange.getVariable("toolArguments", JsonNode.class);
        JsonNode given = args.path("arguments");
        List<JsonNode> parameters = parameters(function);
        Set<String> names = new LinkedHashSet<>();
        parameters.forEach(p -> names.add(p.path("name").asText()));
        for (Iterator<String> it = given.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new ToolExecutionException("Function " + function.path("full_name").asText() + " has no parameter '"
                        + name + "'; its parameters: " + (names.isEmpty() ? "none" : String.join(", ", names))
                        + ". Nothing was run.");
            }
        }
        List<String> bound = new ArrayList<>();
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        for (JsonNode parameter : parameters) {
            String name = parameter.path("name").asText();
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new ToolExecutionException("Function parameter '" + name + "' is not a plain identifier; call the "
                        + "function with execute_sql instead. Nothing was run.");
            }
            if (given.has(name)) {
                bound.add(name + " => :" + name);
                values.set(name, given.get(name));
            } else if (!parameter.hasNonNull("parameter_default")) {
                throw new ToolExecutionException("Argument '" + name + "' (SQL " + typeOf(parameter) + ") is required by "
                        + function.path("full_name").asText() + ". Nothing was run.");
            }
        }
        String fullName = function.path("full_name").asText(args.path("full_name").asText());
        if (!FULL_NAME.matcher(fullName).matches()) {
            throw new ToolExecutionException("Function name '" + fullName + "' is not catalog.schema.function. Nothing was run.");
        }
        String call = fullName + "(" + String.join(", ", bound) + ")";
        ObjectNode statement = JsonNodeFactory.instance.objectNode();
        statement.put("statement", isTableFunction(function) ? "SELECT * FROM " + call : "SELECT " + call + " AS result");
        statement.set("parameters", values);
        for (String copied : List.of("warehouse_id", "row_limit", "timeout_seconds", "workspace")) {
            if (args.has(copied)) {
                statement.set(copied, args.get(copied));
            }
        }
        exchange.setVariable("toolArguments", statement);
    }
}
