package dev.lakehouse.gateway.databricks.genie;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksCalls;
import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * ask_genie and get_genie_answer: a question to a Genie space is a conversation message that Genie works on
 * (SUBMITTED, FETCHING_METADATA, FILTERING_CONTEXT, ASKING_AI, PENDING_WAREHOUSE, EXECUTING_QUERY) until it is
 * COMPLETED, FAILED, CANCELLED or QUERY_RESULT_EXPIRED. The route polls it with backoff, reports the status as
 * progress, and renders the answer; a query attachment's rows go through the SQL answer route, so they are capped
 * and paged exactly like execute_sql's. State lives in exchange variables, so the route shows every call.
 */
@Component("genieConversations")
public class GenieConversations {

    static final String SPACES = "/api/2.0/genie/spaces/";
    static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "QUERY_RESULT_EXPIRED");
    private static final String SPACE_HINT = "Check the space_id with list_genie_spaces.";

    private final Duration defaultTimeout;
    private final Duration pollInitialDelay;
    private final Duration pollMaxDelay;
    private final double pollBackoff;

    public GenieConversations(
            // how long ask_genie waits for the answer when the agent gives no timeout_seconds
            @Value("${gateway.databricks.genie.default-timeout}") Duration defaultTimeout,
            // first wait between two polls of a message, then times the backoff, at most the maximum
            @Value("${gateway.databricks.genie.poll-initial-delay}") Duration pollInitialDelay,
            @Value("${gateway.databricks.genie.poll-max-delay}") Duration pollMaxDelay,
            @Value("${gateway.databricks.genie.poll-backoff}") double pollBackoff) {
        this.defaultTimeout = defaultTimeout;
        this.pollInitialDelay = pollInitialDelay;
        this.pollMaxDelay = pollMaxDelay;
        this.pollBackoff = pollBackoff;
    }

    private static JsonNode args(Exchange exchange) {
        return exchange.getVariable("toolArguments", JsonNode.class);
    }

    /** The call's deadline: timeout_seconds from now (the SQL answer route reads the same variables). */
    public void startClock(Exchange exchange) {
        int timeout = args(exchange).path("timeout_seconds").asInt((int) defaultTimeout.toSeconds());
        long now = System.currentTimeMillis();
        exchange.setVariable("genieStarted", now);
        exchange.setVariable("genieTimeoutSeconds", timeout);
        exchange.setVariable("genieDeadline", now + timeout * 1000L);
        exchange.setVariable("geniePolls", 0);
        exchange.setVariable("genieSpace", args(exchange).path("space_id").asText());
        exchange.setVariable("genieConversation", args(exchange).path("conversation_id").asText(null));
        exchange.setVariable("genieMessage", args(exchange).path("message_id").asText(null));
    }

    /** A new conversation, or a follow-up message in the given one. */
    public void askRequest(Exchange exchange) {
        String space = exchange.getVariable("genieSpace", String.class);
        String conversation = exchange.getVariable("genieConversation", String.class);
        Map<String, Object> body = Map.of("content", args(exchange).path("question").asText());
        String path = conversation == null ? SPACES + space + "/start-conversation"
                : SPACES + space + "/conversations/" + conversation + "/messages";
        DatabricksCalls.request(exchange, "POST", path, null, body, conversation == null ? SPACE_HINT
                : SPACE_HINT + " The conversation_id must be one this space returned.");
    }

    /** After each answer: the ids and status of the message (start-conversation wraps it in "message"). */
    public void track(Exchange exchange) {
        JsonNode response = exchange.getVariable("dbResponse", JsonNode.class);
        JsonNode message = response.has("message") ? response.get("message") : response;
        exchange.setVariable("genieAnswer", message);
        exchange.setVariable("genieConversation", message.path("conversation_id")
                .asText(response.path("conversation_id").asText(exchange.getVariable("genieConversation", String.class))));
        exchange.setVariable("genieMessage", message.path("message_id").asText(message.path("id")
                .asText(response.path("message_id").asText(exchange.getVariable("genieMessage", String.class)))));
        exchange.setVariable("genieStatus", message.path("status").asText("SUBMITTED"));
    }

    /** Polling goes on while Genie works, the deadline is ahead and the agent has not cancelled. */
    public boolean keepPolling(Exchange exchange) {
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        return !TERMINAL.contains(exchange.getVariable("genieStatus", String.class)) && (call == null || !call.isCancelled())
                && System.currentTimeMillis() + nextDelay(exchange) < exchange.getVariable("genieDeadline", Long.class);
    }

    long nextDelay(Exchange exchange) {
        int polls = exchange.getVariable("geniePolls", 0, Integer.class);
        double delay = pollInitialDelay.toMillis() * Math.pow(pollBackoff, polls);
        return (long) Math.min(delay, pollMaxDelay.toMillis());
    }

    /** notifications/progress (when the agent asked for it): elapsed seconds of the timeout, with Genie's status. */
    public void reportProgress(Exchange exchange) {
        exchange.setVariable("geniePollDelay", nextDelay(exchange));
        exchange.setVariable("geniePolls", exchange.getVariable("geniePolls", 0, Integer.class) + 1);
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        if (call != null) {
            long elapsedMs = System.currentTimeMillis() - exchange.getVariable("genieStarted", Long.class);
            call.progress(elapsedMs / 1000.0, exchange.getVariable("genieTimeoutSeconds", Integer.class),
                    "Genie is " + exchange.getVariable("genieStatus", String.class) + " (" + elapsedMs / 1000 + " s)");
        }
    }

    public void pollRequest(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", messagePath(exchange), null, null,
                SPACE_HINT + " Pass the conversation_id and message_id of the handle unchanged.");
    }

    private static String messagePath(Exchange exchange) {
        return SPACES + exchange.getVariable("genieSpace", String.class) + "/conversations/"
                + exchange.getVariable("genieConversation", String.class) + "/messages/"
                + exchange.getVariable("genieMessage", String.class);
    }

    /** A COMPLETED answer whose attachment holds a query: its result is read next. */
    public boolean hasQueryResult(Exchange exchange) {
        return "COMPLETED".equals(exchange.getVariable("genieStatus", String.class)) && queryAttachment(exchange) != null;
    }

    private static JsonNode queryAttachment(Exchange exchange) {
        for (JsonNode attachment : exchange.getVariable("genieAnswer", JsonNode.class).path("attachments")) {
            if (attachment.path("query").isObject()) {
                return attachment;
            }
        }
        return null;
    }

    public void queryResultRequest(Exchange exchange) {
        DatabricksCalls.request(exchange, "GET", messagePath(exchange) + "/attachments/"
                + queryAttachment(exchange).path("attachment_id").asText() + "/query-result", null, null,
                "The query result may have expired: ask the question again.");
    }

    /** The attachment's statement response becomes the statement the SQL answer route renders. */
    public void asStatement(Exchange exchange) {
        JsonNode statement = exchange.getVariable("dbResponse", JsonNode.class).path("statement_response");
        exchange.setVariable("dbResponse", statement);
    }

    /** The answer: Genie's text, its SQL and (when there was one) the rendered rows; or a handle, or why not. */
    public Map<String, Object> answer(Exchange exchange) {
        String status = exchange.getVariable("genieStatus", String.class);
        JsonNode message = exchange.getVariable("genieAnswer", JsonNode.class);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("space_id", exchange.getVariable("genieSpace", String.class));
        answer.put("conversation_id", exchange.getVariable("genieConversation", String.class));
        answer.put("message_id", exchange.getVariable("genieMessage", String.class));
        answer.put("status", status);
        switch (status) {
            case "FAILED" -> throw new ToolExecutionException("Genie could not answer: " + message.path("error")
                    .path("error").asText(message.path("error").path("type").asText("no reason given"))
                    + ". Rephrase the question, or ask about the tables of the space.");
            case "CANCELLED" -> throw new ToolExecutionException("The question was cancelled before Genie answered it. "
                    + "Ask it again with ask_genie.");
            case "QUERY_RESULT_EXPIRED" -> throw new ToolExecutionException("The result of this answer has expired. "
                    + "Ask the question again with ask_genie (conversation_id " + answer.get("conversation_id") + ").");
            case "COMPLETED" -> {
                return completed(exchange, message, answer);
            }
            default -> {
                answer.put("done", false);
                answer.put("next_step", "Genie is still working (" + status + "). Call get_genie_answer with space_id, "
                        + "conversation_id and message_id to wait for the answer.");
                exchange.setVariable("toolText", "Genie is still working on the question (" + status + "): call "
                        + "get_genie_answer with space_id=\"" + answer.get("space_id") + "\", conversation_id=\""
                        + answer.get("conversation_id") + "\", message_id=\"" + answer.get("message_id") + "\".");
                return answer;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> completed(Exchange exchange, JsonNode message, Map<String, Object> answer) {
        answer.put("done", true);
        StringBuilder texts = new StringBuilder();
        for (JsonNode attachment : message.path("attachments")) {
            String text = attachment.path("text").path("content").asText("");
            if (!text.isBlank()) {
                texts.append(texts.length() == 0 ? "" : "\n").append(text);
            }
        }
        if (texts.length() > 0) {
            answer.put("text", texts.toString());
        }
        JsonNode query = queryAttachment(exchange);
        StringBuilder rendered = new StringBuilder("Genie answered");
        if (texts.length() > 0) {
            rendered.append(": ").append(texts);
        }
        if (query != null) {
            Map<String, Object> sql = new LinkedHashMap<>();
            sql.put("description", query.path("query").path("description").asText(null));
            sql.put("sql", query.path("query").path("query").asText(null));
            answer.put("query", sql);
            Object rows = exchange.getMessage().getBody();
            if (rows instanceof Map<?, ?> result) {
                answer.put("result", result);
            }
            if (sql.get("description") != null) {
                rendered.append(texts.length() > 0 ? "\n" : ": ").append(sql.get("description"));
            }
            rendered.append("\nSQL: ").append(sql.get("sql"));
            String table = exchange.getVariable("toolText", String.class);
            if (table != null) {
                rendered.append('\n').append(table);
            }
        }
        exchange.setVariable("toolText", rendered.toString());
        return answer;
    }
}
