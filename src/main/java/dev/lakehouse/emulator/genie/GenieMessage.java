package dev.lakehouse.emulator.genie;

import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/**
 * One question and Genie's work on it. The status moves SUBMITTED → FETCHING_METADATA → FILTERING_CONTEXT →
 * ASKING_AI, then for a query PENDING_WAREHOUSE → EXECUTING_QUERY → COMPLETED (when its statement is done), else
 * COMPLETED or FAILED; a completed query result later reads QUERY_RESULT_EXPIRED. Driven by {@link GenieWork}.
 */
final class GenieMessage {

    enum Status { SUBMITTED, FETCHING_METADATA, FILTERING_CONTEXT, ASKING_AI, PENDING_WAREHOUSE, EXECUTING_QUERY,
        COMPLETED, FAILED, CANCELLED, QUERY_RESULT_EXPIRED }

    final String id;
    final String conversationId;
    final GenieSpace space;
    final String content;
    final GenieSpace.Plan plan;
    final long userId;
    final long created;
    final String queryAttachmentId;
    final String textAttachmentId;
    private Status status = Status.SUBMITTED;
    private long updated;
    private String statementId;
    private Long rowCount;
    private String error;
    private String errorType;
    private long completedAt;

    GenieMessage(String conversationId, GenieSpace space, String content, long userId, long now) {
        this.id = hex32();
        this.conversationId = conversationId;
        this.space = space;
        this.content = content;
        this.plan = space.plan(content);
        this.userId = userId;
        this.created = now;
        this.updated = now;
        this.queryAttachmentId = plan.query() == null ? null : hex32();
        this.textAttachmentId = plan.text() == null ? null : hex32();
    }

    static String hex32() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    synchronized Status status() {
        return status;
    }

    synchronized boolean terminal() {
        return status == Status.COMPLETED || status == Status.FAILED || status == Status.CANCELLED
                || status == Status.QUERY_RESULT_EXPIRED;
    }

    synchronized void moveTo(Status next, long now) {
        status = next;
        updated = now;
        if (next == Status.COMPLETED) {
            completedAt = now;
        }
    }

    synchronized void fail(String type, String message, long now) {
        error = message;
        errorType = type;
        moveTo(Status.FAILED, now);
    }

    synchronized void statement(String id, Long rows) {
        statementId = id;
        rowCount = rows;
    }

    synchronized String statementId() {
        return statementId;
    }

    /** A completed answer's result past its time to live: the message says so from then on. */
    synchronized void expireIfOld(long now, long ttlMillis) {
        if (status == Status.COMPLETED && queryAttachmentId != null && now - completedAt >= ttlMillis) {
            status = Status.QUERY_RESULT_EXPIRED;
            updated = now;
        }
    }

    /** GenieMessage as the API returns it; attachments appear as Genie produces them. */
    synchronized ObjectNode toJson() {
        ObjectNode message = Json.obj();
        message.put("id", id);
        message.put("message_id", id);
        message.put("conversation_id", conversationId);
        message.put("space_id", space.id());
        message.put("content", content);
        message.put("status", status.name());
        message.put("user_id", userId);
        message.put("created_timestamp", created);
        message.put("last_updated_timestamp", updated);
        boolean querying = status.ordinal() >= Status.EXECUTING_QUERY.ordinal() && status != Status.FAILED
                && status != Status.CANCELLED;
        ArrayNode attachments = Json.arr();
        if (plan.query() != null && querying) {
            ObjectNode attachment = attachments.addObject();
            attachment.put("attachment_id", queryAttachmentId);
            ObjectNode query = attachment.putObject("query");
            query.put("id", queryAttachmentId);
            query.put("title", plan.query().title());
            query.put("description", plan.query().description());
            query.put("query", plan.query().sql());
            query.put("last_updated_timestamp", updated);
            if (statementId != null) {
                query.put("statement_id", statementId);
            }
            if (rowCount != null) {
                query.putObject("query_result_metadata").put("row_count", rowCount).put("is_truncated", false);
            }
        }
        if (plan.text() != null && (status == Status.COMPLETED || status == Status.QUERY_RESULT_EXPIRED)) {
            ObjectNode attachment = attachments.addObject();
            attachment.put("attachment_id", textAttachmentId);
            attachment.putObject("text").put("id", textAttachmentId).put("content", plan.text());
        }
        if (!attachments.isEmpty()) {
            message.set("attachments", attachments);
        }
        if (status == Status.FAILED) {
            message.putObject("error").put("error", error).put("type", errorType);
        }
        return message;
    }
}
