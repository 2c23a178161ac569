package dev.lakehouse.emulator.genie;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.PageToken;
import dev.lakehouse.emulator.http.Router;
import dev.lakehouse.emulator.sql.StatementEndpoints;
import dev.lakehouse.emulator.sql.StatementRecord;

/**
 * Genie spaces and conversations (/api/2.0/genie), as the Java SDK's GenieAPI calls them: list and get spaces,
 * start a conversation, follow-up messages, a message's status and attachments, the query result of an attachment
 * (a statement response of the workspace's Statement Execution API), re-running it, and deleting a conversation.
 * Questions count as rate-limit family genie-ask, everything else as genie (http/ApiFamily).
 */
public final class GenieEndpoints {

    private static final String SPACE = "/api/2.0/genie/spaces/{space_id}";
    private static final String MESSAGE = SPACE + "/conversations/{conversation_id}/messages/{message_id}";

    private final WorkspaceServices workspace;
    private final GenieSettings settings;
    private final List<GenieSpace> spaces;
    private final GenieWork work;
    /** conversation id → its space; messages by id (a conversation's messages are those naming it). */
    private final Map<String, String> conversations = new ConcurrentHashMap<>();
    private final Map<String, GenieMessage> messages = new ConcurrentHashMap<>();

    public GenieEndpoints(WorkspaceServices workspace) {
        this.workspace = workspace;
        this.settings = workspace.properties().getGenie();
        this.spaces = GenieSpace.seeded(workspace.settings().warehouseId());
        this.work = new GenieWork(workspace.scheduler(), workspace.statements(), settings);
    }

    public void register(Router router) {
        router.add("GET", "/api/2.0/genie/spaces", r -> PageToken.slice(r,
                spaces.stream().map(GenieSpace::toJson).toList(), "spaces", false));
        router.add("GET", SPACE, r -> space(r).toJson());
        router.add("POST", SPACE + "/start-conversation", this::startConversation);
        router.add("POST", SPACE + "/conversations/{conversation_id}/messages", this::followUp);
        router.add("GET", MESSAGE, r -> message(r).toJson());
        router.add("GET", MESSAGE + "/attachments/{attachment_id}/query-result", r -> queryResult(r, false));
        router.add("POST", MESSAGE + "/attachments/{attachment_id}/execute-query", r -> queryResult(r, true));
        router.add("DELETE", SPACE + "/conversations/{conversation_id}", this::deleteConversation);
    }

    private GenieSpace space(ApiRequest request) {
        String id = request.pathParam("space_id");
        return spaces.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Space " + id + " does not exist."));
    }

    private String content(ApiRequest request) {
        String content = request.json().path("content").asText("");
        if (content.isBlank()) {
            throw ApiException.invalidParameter("content must not be empty");
        }
        if (content.length() > settings.getMaxContentChars()) {
            throw ApiException.invalidParameter("content is longer than " + settings.getMaxContentChars() + " characters");
        }
        return content;
    }

    private GenieMessage ask(ApiRequest request, GenieSpace space, String conversationId) {
        long userId = request.principal() == null ? 0 : Math.abs(request.principal().id().hashCode());
        GenieMessage message = new GenieMessage(conversationId, space, content(request), userId, System.currentTimeMillis());
        messages.put(message.id, message);
        work.start(message);
        return message;
    }

    private Object startConversation(ApiRequest request) {
        GenieSpace space = space(request);
        String conversationId = GenieMessage.hex32();
        conversations.put(conversationId, space.id());
        GenieMessage message = ask(request, space, conversationId);
        ObjectNode body = Json.obj();
        body.put("conversation_id", conversationId);
        body.put("message_id", message.id);
        ObjectNode conversation = body.putObject("conversation");
        conversation.put("id", conversationId);
        conversation.put("conversation_id", conversationId);
        conversation.put("space_id", space.id());
        conversation.put("title", message.content.length() > 80 ? message.content.substring(0, 80) : message.content);
        conversation.put("created_timestamp", message.created);
        conversation.put("last_updated_timestamp", message.created);
        conversation.put("user_id", message.userId);
        body.set("message", message.toJson());
        return body;
    }

    private String conversation(ApiRequest request, GenieSpace space) {
        String id = request.pathParam("conversation_id");
        if (!space.id().equals(conversations.get(id))) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Conversation " + id + " does not exist.");
        }
        return id;
    }

    private Object followUp(ApiRequest request) {
        GenieSpace space = space(request);
        return ask(request, space, conversation(request, space)).toJson();
    }

    private GenieMessage message(ApiRequest request) {
        GenieSpace space = space(request);
        String conversationId = conversation(request, space);
        GenieMessage message = messages.get(request.pathParam("message_id"));
        if (message == null || !message.conversationId.equals(conversationId)) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Message " + request.pathParam("message_id")
                    + " does not exist.");
        }
        message.expireIfOld(System.currentTimeMillis(), settings.getResultTtlSeconds() * 1000);
        return message;
    }

    /** {statement_response} of an attachment's query; execute-query runs it again (also after it expired). */
    private Object queryResult(ApiRequest request, boolean rerun) {
        GenieMessage message = message(request);
        String attachment = request.pathParam("attachment_id");
        if (message.queryAttachmentId == null || !message.queryAttachmentId.equals(attachment)) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Attachment " + attachment + " does not exist.");
        }
        if (rerun) {
            request.json();
            StatementRecord record = work.run(message.space, message.plan.query().sql());
            awaitQuietly(record);
            message.statement(record.id(), record.result() == null ? null : (long) record.result().rows().size());
            message.moveTo(GenieMessage.Status.COMPLETED, System.currentTimeMillis());
        } else if (message.status() == GenieMessage.Status.QUERY_RESULT_EXPIRED) {
            throw new ApiException(400, "INVALID_STATE", "The query result has expired. Run the query again with "
                    + "execute-query.");
        } else if (message.statementId() == null) {
            throw new ApiException(400, "INVALID_STATE", "The query of message " + message.id + " has not run yet "
                    + "(status " + message.status() + ").");
        }
        ObjectNode body = Json.obj();
        body.set("statement_response", StatementEndpoints.toJson(workspace.statements().get(message.statementId()), true));
        return body;
    }

    private static void awaitQuietly(StatementRecord record) {
        try {
            record.await(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Object deleteConversation(ApiRequest request) {
        GenieSpace space = space(request);
        String id = conversation(request, space);
        conversations.remove(id);
        messages.values().removeIf(m -> m.conversationId.equals(id));
        return Json.obj();
    }
}
