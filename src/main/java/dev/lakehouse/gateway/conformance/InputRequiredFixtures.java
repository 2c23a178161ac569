package dev.lakehouse.gateway.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.mcp.InputRequiredException.InputRequest;
import dev.lakehouse.gateway.mcp.McpCall;
import org.apache.camel.Exchange;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The tools the conformance suite's InputRequiredResult scenarios (SEP-2322) call, in the conformance profile only.
 * Each asks through {@link McpCall#requireInputs}, the same path a real tool's questions take: on 2026-07-28 an
 * unanswered question ends the round with an InputRequiredResult and a sealed requestState, on a session revision
 * the client is asked directly.
 */
@Component("inputRequiredFixtures")
@Profile("conformance")
public class InputRequiredFixtures {

    private final java.time.Duration clientTimeout;

    public InputRequiredFixtures(dev.lakehouse.gateway.mcp.McpProperties properties) {
        this.clientTimeout = properties.clientRequestTimeout();
    }

    private static McpCall call(Exchange exchange) {
        return exchange.getVariable("mcpCall", McpCall.class);
    }

    private static InputRequest elicit(String message, String field) {
        return new InputRequest("elicitation/create", Map.of("message", message, "requestedSchema", Map.of("type", "object",
                "properties", Map.of(field, Map.of("type", "string")), "required", List.of(field))));
    }

    private static InputRequest sample(String text, int maxTokens) {
        return new InputRequest("sampling/createMessage", Map.of("messages", List.of(Map.of("role", "user",
                "content", Map.of("type", "text", "text", text))), "maxTokens", maxTokens));
    }

    private static InputRequest roots() {
        return new InputRequest("roots/list", Map.of());
    }

    private static String text(JsonNode answer, String field) {
        return answer.path("content").path(field).asText("");
    }

    private static String roots(JsonNode answer) {
        return answer.path("roots").findValuesAsText("uri").toString();
    }

    public String elicitation(Exchange exchange) {
        ObjectNode answers = call(exchange).requireInputs(Map.of("user_name", elicit("What is your name?", "name")));
        return "Hello, " + text(answers.path("user_name"), "name") + "!";
    }

    public String sampling(Exchange exchange) {
        ObjectNode answers = call(exchange).requireInputs(Map.of("capital_question",
                sample("What is the capital of France?", 100)));
        return "The model answered: " + answers.path("capital_question").path("content").path("text").asText("");
    }

    public String listRoots(Exchange exchange) {
        ObjectNode answers = call(exchange).requireInputs(Map.of("client_roots", roots()));
        return "The client's roots: " + roots(answers.path("client_roots"));
    }

    /** The answer only counts with the requestState it was asked with (checked before this runs): state-ok. */
    public String requestState(Exchange exchange) {
        ObjectNode answers = call(exchange).requireInputs(Map.of("confirm", new InputRequest("elicitation/create",
                Map.of("message", "Please confirm", "requestedSchema", Map.of("type", "object",
                        "properties", Map.of("ok", Map.of("type", "boolean")), "required", List.of("ok"))))));
        return "state-ok: confirmed " + answers.path("confirm").path("content").path("ok").asBoolean(false);
    }

    public String multipleInputs(Exchange exchange) {
        Map<String, InputRequest> questions = new LinkedHashMap<>();
        questions.put("user_name", elicit("What is your name?", "name"));
        questions.put("greeting", sample("Generate a greeting", 50));
        questions.put("client_roots", roots());
        ObjectNode answers = call(exchange).requireInputs(questions);
        return "name " + text(answers.path("user_name"), "name") + ", greeting "
                + answers.path("greeting").path("content").path("text").asText("") + ", roots " + roots(answers.path("client_roots"));
    }

    /** Two rounds of questions: the second is asked only once the first is answered. */
    public String multiRound(Exchange exchange) {
        McpCall call = call(exchange);
        ObjectNode first = call.requireInputs(Map.of("step1", elicit("Step 1: What is your name?", "name")));
        ObjectNode second = call.requireInputs(Map.of("step2", elicit("Step 2: What is your favorite color?", "color")));
        return text(first.path("step1"), "name") + " likes " + text(second.path("step2"), "color");
    }

    public String tamperedState(Exchange exchange) {
        ObjectNode answers = call(exchange).requireInputs(Map.of("confirm", elicit("Please confirm", "ok")));
        return "accepted " + answers.path("confirm").path("action").asText("");
    }

    /** server-stateless's probe of the response stream: a question asked on 2026-07-28 is an InputRequiredResult. */
    public String streamingElicitation(Exchange exchange) {
        return elicitation(exchange);
    }

    /** server-stateless's probe of -32021: needs sampling, which the probe does not declare. */
    public String missingCapability(Exchange exchange) {
        JsonNode answer = call(exchange).askClient("sampling/createMessage", "sampling",
                Map.of("messages", List.of(Map.of("role", "user", "content", Map.of("type", "text", "text", "Say hi"))),
                        "maxTokens", 10), clientTimeout);
        return "The model answered: " + answer.path("content").path("text").asText("");
    }

    /** Asks only what the client declared it can answer. */
    public String capabilities(Exchange exchange) {
        Map<String, InputRequest> questions = new LinkedHashMap<>();
        questions.put("user_name", elicit("What is your name?", "name"));
        questions.put("capital_question", sample("What is the capital of France?", 100));
        questions.put("client_roots", roots());
        ObjectNode answers = call(exchange).requireInputs(questions);
        return "answered: " + answers.properties().stream().map(Map.Entry::getKey).toList();
    }
}
