package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.databricks.ToolCalls.args;
import static dev.lakehouse.gateway.databricks.ToolCalls.error;
import static dev.lakehouse.gateway.databricks.ToolCalls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * The Genie tools against the emulator's seeded spaces (docs/emulator-genie.md): questions answered with text, SQL
 * and capped rows, follow-ups, progress while Genie works, a handle at the deadline, failures as tool errors.
 */
class GenieToolsTest extends GatewayTestBase {

    static final String HR = "01f0a1b2c3d4e5f60718293a4b5c6d7e";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Autowired
    Environment environment;

    private McpSyncClient client;
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() {
        client = McpTestClients.plain(port, progress);
    }

    @AfterEach
    void close() {
        client.closeGracefully();
    }

    /** ask_genie answers structuredContent (its outputSchema) beside a compact text. */
    private static JsonNode structured(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
        return JSON.valueToTree(result.structuredContent());
    }

    private JsonNode ask(Map<String, Object> arguments) {
        return structured(McpTestClients.call(client, "ask_genie", arguments));
    }

    @Test
    void spacesAreListed() {
        JsonNode spaces = ok(client, "list_genie_spaces", Map.of());
        assertThat(spaces.path("spaces").findValuesAsText("title")).contains("HR analytics", "Sales (TPC-H)");
        assertThat(spaces.path("spaces").findValuesAsText("space_id")).contains(HR);
    }

    @Test
    void aQuestionIsAnsweredWithTextSqlAndRowsAndReportsProgress() {
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("ask_genie")
                .arguments(Map.of("space_id", HR, "question", "How many employees are there?", "timeout_seconds", 30))
                .progressToken("genie-1").build());
        String text = McpTestClients.text(result);
        assertThat(result.isError()).as(text).isFalse();
        JsonNode json = structured(result);
        assertThat(json.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(json.path("query").path("sql").asText()).containsIgnoringCase("count(*)").contains("main.default.employees");
        JsonNode rows = json.path("result").path("rows");
        assertThat(rows.size()).isEqualTo(1);
        assertThat(rows.get(0).get(0).asInt()).isPositive();
        assertThat(text).contains("Genie answered").contains("SQL: ");
        // the question went through Genie's own limit (family genie-ask), the tightest key the call touched
        @SuppressWarnings("unchecked")
        Map<String, Object> limit = (Map<String, Object>) result.meta().get("dev.lakehouse/rate-limit");
        assertThat(limit.get("family")).isEqualTo("genie-ask");
        // Genie's statuses reached the agent as progress while it worked
        assertThat(progress).isNotEmpty();
        assertThat(progress).extracting(McpSchema.ProgressNotification::message).anyMatch(m -> m.startsWith("Genie is "));

        // a follow-up in the same conversation
        JsonNode followUp = ask(args("space_id", HR, "question", "And the headcount by department?",
                "conversation_id", json.path("conversation_id").asText()));
        assertThat(followUp.path("conversation_id").asText()).isEqualTo(json.path("conversation_id").asText());
        assertThat(followUp.path("message_id").asText()).isNotEqualTo(json.path("message_id").asText());
        assertThat(followUp.path("query").path("sql").asText()).contains("department_headcount");
    }

    @Test
    void manyRowsAreCappedLikeExecuteSql() {
        JsonNode answer = ask(args("space_id", HR, "question", "Show all employees", "row_limit", 5));
        assertThat(answer.path("result").path("row_count").asInt()).isEqualTo(5);
        assertThat(answer.path("result").path("truncated").asBoolean()).isTrue();
        // the statement behind the answer pages on with get_statement_result
        JsonNode next = structured(McpTestClients.call(client, "get_statement_result", args("statement_id",
                answer.path("result").path("statement_id").asText(), "page", 5, "row_limit", 5)));
        assertThat(next.path("row_count").asInt()).isEqualTo(5);
    }

    @Test
    void aSlowAnswerGivesAHandleThatGetGenieAnswerResumes() {
        JsonNode handle = ask(args("space_id", HR, "question", "slow: how many employees?", "timeout_seconds", 1));
        assertThat(handle.path("done").asBoolean()).isFalse();
        assertThat(handle.path("next_step").asText()).contains("get_genie_answer");
        JsonNode answer = structured(McpTestClients.call(client, "get_genie_answer", args("space_id", HR,
                "conversation_id", handle.path("conversation_id").asText(), "message_id",
                handle.path("message_id").asText(), "timeout_seconds", 60)));
        assertThat(answer.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(answer.path("result").path("rows").size()).isEqualTo(1);
    }

    @Test
    void failuresAndBadInputAreClearToolErrors() {
        assertThat(error(client, "ask_genie", args("space_id", HR, "question", "please fail this one")))
                .contains("Genie could not answer");
        assertThat(error(client, "ask_genie", args("space_id", "01f0000000000000000000000000dead", "question", "hi")))
                .contains("list_genie_spaces");
        assertThat(error(client, "ask_genie", args("space_id", "../../sql/statements", "question", "hi")))
                .contains("space_id");
        assertThat(error(client, "get_genie_answer", args("space_id", HR, "conversation_id", "nope", "message_id", "nope")))
                .contains("handle");
    }

    @Test
    void aQuestionWithoutQueryIsAnsweredWithText() {
        JsonNode answer = ask(args("space_id", HR, "question", "What is the meaning of life?"));
        assertThat(answer.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(answer.path("text").asText()).isNotBlank();
        assertThat(answer.has("query")).isFalse();
    }
}
