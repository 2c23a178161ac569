package dev.lakehouse.gateway.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.lakehouse.gateway.ops.AuditTrail;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code GET /admin/tenants/{tenant}/audit}: a tenant's audit records, newest first, for the platform admin or that
 * tenant's admin (another tenant answers 404, as an unknown one). Filters: {@code since} (ISO-8601 instant),
 * {@code tool}, {@code outcome}, {@code limit} (1..1000, default 100).
 */
@Component("auditApi")
public class AuditApi {

    private static final Pattern TOOL = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Set<String> OUTCOMES = Set.of("ok", "error", "rate_limited", "input_required", "rejected",
            "cancelled", "failed", "denied");
    private static final int MAX_LIMIT = 1000;

    private final AdminAccess access;
    private final AuditTrail audit;

    public AuditApi(AdminAccess access, AuditTrail audit) {
        this.access = access;
        this.audit = audit;
    }

    public void query(Exchange exchange) {
        String tenant = access.tenant(exchange);
        String limitText = exchange.getMessage().getHeader("limit", String.class);
        int limit;
        try {
            limit = limitText == null ? 100 : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            throw AdminApiException.badRequest("limit must be a number from 1 to " + MAX_LIMIT);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw AdminApiException.badRequest("limit must be a number from 1 to " + MAX_LIMIT);
        }
        String sinceText = exchange.getMessage().getHeader("since", String.class);
        Instant since;
        try {
            since = sinceText == null ? null : Instant.parse(sinceText);
        } catch (DateTimeParseException e) {
            throw AdminApiException.badRequest("since must be an ISO-8601 instant such as 2026-11-30T12:00:00Z");
        }
        String tool = exchange.getMessage().getHeader("tool", String.class);
        if (tool != null && !TOOL.matcher(tool).matches()) {
            throw AdminApiException.badRequest("tool must be a tool name");
        }
        String outcome = exchange.getMessage().getHeader("outcome", String.class);
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw AdminApiException.badRequest("outcome must be one of " + OUTCOMES);
        }
        List<Map<String, Object>> records = audit.query(tenant, since, tool, outcome, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant);
        body.put("records", records);
        AdminApi.reply(exchange, 200, body, Map.of());
    }
}
