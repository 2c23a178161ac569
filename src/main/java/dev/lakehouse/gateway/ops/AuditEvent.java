package dev.lakehouse.gateway.ops;

import java.time.Instant;

/**
 * One audit record: a tool call ({@code kind} "tool", {@code action} the tool) or an admin action ({@code kind}
 * "admin", {@code action} method and route). Metadata only: never arguments or result data; {@code sqlText} only when
 * {@code gateway.audit.sql=text}.
 */
public record AuditEvent(
        Instant at,
        String requestId,
        String tenant,
        String subject,
        String client,
        String kind,
        String action,
        String toolGroup,
        String connection,
        String workspace,
        String outcome,
        String errorClass,
        long durationMs,
        Long rows,
        Long bytes,
        String statementId,
        String sqlHash,
        String sqlText) {
}
