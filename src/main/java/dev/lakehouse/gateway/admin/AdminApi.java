package dev.lakehouse.gateway.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.identity.IdentityProperties;
import dev.lakehouse.gateway.identity.ScopedUrlProperties;
import dev.lakehouse.gateway.identity.ScopedUrlRecord;
import dev.lakehouse.gateway.identity.ScopedUrls;
import dev.lakehouse.gateway.mcp.McpTransportException;
import dev.lakehouse.gateway.mcp.SessionRegistry;
import dev.lakehouse.gateway.tenant.TenantConnections;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.tools.ToolCatalog;
import dev.lakehouse.gateway.tools.ToolDefinition;
import dev.lakehouse.gateway.tools.ToolPolicy;
import dev.lakehouse.gateway.ops.AuditEvent;
import dev.lakehouse.gateway.ops.AuditTrail;
import dev.lakehouse.gateway.ops.RequestIds;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The admin API's logic (routes in routes/60-admin-api.camel.yaml): scoped MCP URLs of a tenant (make, list,
 * revoke) and the tenant's workspace connections (never their secrets). Each step leaves its answer in the variable
 * {@code adminReply}; {@link #write} turns it into the HTTP response after the request headers were removed.
 * A client mistake is an {@link AdminApiException} (4xx with a message); nothing else reaches the client but a
 * generic 500 with a log reference.
 */
@Component("adminApi")
public class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CREATE_FIELDS = new LinkedHashSet<>(List.of("connection", "groups", "tools",
            "read_only", "expires_in_seconds", "requires_token", "label"));
    static final int MAX_BODY_CHARS = 16_384;
    static final int MAX_TOOLS = 50;
    static final int MAX_LABEL = 200;

    private final ScopedUrls scopedUrls;
    private final TenantConnections connections;
    private final ToolCatalog catalog;
    private final ScopedUrlProperties properties;
    private final IdentityProperties identity;
    private final AdminAccess access;
    private final AuditTrail audit;

    public AdminApi(ScopedUrls scopedUrls, TenantConnections connections, ToolCatalog catalog,
            ScopedUrlProperties properties, IdentityProperties identity, AdminAccess access, AuditTrail audit) {
        this.access = access;
        this.audit = audit;
        this.scopedUrls = scopedUrls;
        this.connections = connections;
        this.catalog = catalog;
        this.properties = properties;
        this.identity = identity;
    }

    /** The answer of one admin request. */
    public record AdminReply(int status, Object body, Map<String, String> headers) {
    }

    /** POST /admin/tenants/{tenant}/scoped-urls: 201 with the URL and its token (shown this once). */
    public void createScopedUrl(Exchange exchange) {
        String tenant = tenant(exchange);
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new AdminApiException(415, "Send the request body as JSON (Content-Type: application/json)");
        }
        JsonNode body = parse(exchange.getMessage().getBody(String.class));
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!CREATE_FIELDS.contains(field)) {
                throw AdminApiException.badRequest("Unknown field '" + field + "'. Allowed fields: " + String.join(", ", CREATE_FIELDS));
            }
        }
        String connection = optionalText(body, "connection", 200);
        if (connection == null) {
            connection = connections.defaultName(tenant);
            if (connection == null) {
                throw AdminApiException.badRequest("Tenant '" + tenant + "' has no workspace connection to pin the URL to");
            }
        } else if (!connections.has(tenant, connection)) {
            throw AdminApiException.badRequest("Unknown connection '" + connection + "' for tenant '" + tenant
                    + "'. Its connections are: " + String.join(", ", connections.names(tenant)));
        }
        List<String> groups = stringList(body, "groups", WorkspaceConnection.DATABRICKS_GROUPS.size());
        Set<String> knownGroups = new java.util.TreeSet<>(WorkspaceConnection.DATABRICKS_GROUPS);
        for (String group : groups) {
            if (!knownGroups.contains(group)) {
                throw AdminApiException.badRequest("Unknown tool group '" + group + "'. Groups are: " + String.join(", ", knownGroups));
            }
        }
        List<String> tools = stringList(body, "tools", MAX_TOOLS);
        for (String name : tools) {
            ToolDefinition tool = catalog.all().get(name);
            if (tool == null) {
                throw AdminApiException.badRequest("Unknown tool '" + name + "'. See the tools/list of /mcp for the names.");
            }
            if (!groups.isEmpty() && ToolPolicy.isDatabricksTool(tool) && !groups.contains(tool.group())) {
                throw AdminApiException.badRequest("The tool '" + name + "' is in group '" + tool.group()
                        + "', which 'groups' leaves out: a URL allows a tool only when both lists allow it");
            }
        }
        boolean readOnly = optionalBoolean(body, "read_only", true);
        boolean requiresToken = optionalBoolean(body, "requires_token", false);
        String label = optionalText(body, "label", MAX_LABEL);
        long max = properties.maxExpiresIn().toSeconds();
        JsonNode expires = body.get("expires_in_seconds");
        if (expires == null || expires.isNull()) {
            throw AdminApiException.badRequest("'expires_in_seconds' is required: how long the URL works, 1 to " + max + " seconds");
        }
        if (!expires.isIntegralNumber() || !expires.canConvertToLong() || expires.asLong() < 1 || expires.asLong() > max) {
            throw AdminApiException.badRequest("'expires_in_seconds' must be a whole number from 1 to " + max
                    + " (gateway.scoped-urls.max-expires-in)");
        }
        ScopedUrls.Minted minted = scopedUrls.mint(tenant, connection, groups, tools, readOnly, expires.asLong(),
                requiresToken, label);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", minted.record().id());
        answer.put("url", minted.url());
        answer.put("token", minted.token());
        answer.putAll(minted.record().toJson(Instant.now()));
        answer.put("note", "The token (and so the url) is shown only now; store it like a password.");
        if (requiresToken && !identity.oauthEnabled()) {
            answer.put("warning", "requires_token is set but no OAuth issuer is configured (gateway.identity.issuers): "
                    + "this URL is refused until one is");
        }
        reply(exchange, 201, answer, Map.of("Cache-Control", "no-store"));
    }

    /** GET /admin/tenants/{tenant}/scoped-urls: the records, never a token. */
    public void listScopedUrls(Exchange exchange) {
        String tenant = tenant(exchange);
        Instant now = Instant.now();
        List<Map<String, Object>> urls = new ArrayList<>();
        for (ScopedUrlRecord record : scopedUrls.list(tenant)) {
            urls.add(record.toJson(now));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenant", tenant);
        answer.put("scoped_urls", urls);
        reply(exchange, 200, answer, Map.of());
    }

    /** DELETE /admin/tenants/{tenant}/scoped-urls/{id}: 204, or 404 when the tenant has no URL of that id. */
    public void revokeScopedUrl(Exchange exchange) {
        String tenant = tenant(exchange);
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || id.isBlank() || id.length() > 64 || !scopedUrls.revoke(tenant, id)) {
            throw new AdminApiException(404, "Tenant '" + tenant + "' has no scoped URL with this id");
        }
        reply(exchange, 204, null, Map.of());
    }

    /** Error step: a client mistake keeps its status and message; anything else is a 500 with a log reference. */
    public void error(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof AdminApiException e) {
            reply(exchange, e.status(), problem(e.status(), e.getMessage()), Map.of());
        } else if (caught instanceof McpTransportException e) {
            reply(exchange, e.httpStatus(), problem(e.httpStatus(), e.getMessage()), Map.of());
        } else {
            String ref = RequestIds.of(exchange);
            LOG.warn("admin API failure ref={}: {}", ref, caught == null ? "unknown" : caught.toString());
            reply(exchange, 500, problem(500, "Internal error (ref " + ref + ")"), Map.of());
        }
    }

    /** The last step: status, the headers the reply names, and the JSON body (request headers were removed). */
    public void write(Exchange exchange) throws JsonProcessingException {
        AdminReply reply = exchange.getVariable("adminReply", AdminReply.class);
        if (reply == null) {
            reply = new AdminReply(500, problem(500, "Internal error: no reply"), Map.of());
        }
        recordAction(exchange, reply.status());
        Message out = exchange.getMessage();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        reply.headers().forEach(out::setHeader);
        if (reply.body() == null) {
            out.setBody(null);
        } else {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            out.setBody(JSON.writeValueAsString(reply.body()));
        }
    }

    /**
     * One audit record per admin action on a tenant (every method but GET, refused ones included): who, which route,
     * the outcome by status. Reads are not actions and are not recorded.
     */
    private void recordAction(Exchange exchange, int status) {
        String tenant = exchange.getVariable(AdminAccess.TENANT_VARIABLE, String.class);
        String method = exchange.getVariable(AdminAccess.METHOD_VARIABLE, String.class);
        if (tenant == null || method == null || "GET".equals(method)) {
            return;
        }
        String outcome = status < 400 ? "ok" : status < 500 ? "rejected" : "failed";
        audit.record(new AuditEvent(Instant.now(), RequestIds.of(exchange), tenant, access.actor(), null, "admin",
                method + " " + exchange.getFromRouteId(), null, null, null, outcome,
                status >= 400 ? "HTTP " + status : null,
                Math.max(0, System.currentTimeMillis() - exchange.getClock().getCreated()), null, null, null, null, null));
    }

    /** The error body of the admin API and of every non-MCP refusal: {status, error, message}. */
    public static Map<String, Object> problem(int status, String message) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("status", status);
        problem.put("error", switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "error";
        });
        problem.put("message", message);
        return problem;
    }

    /** Leaves the answer of an admin step for {@link #write}. */
    public static void reply(Exchange exchange, int status, Object body, Map<String, String> headers) {
        exchange.setVariable("adminReply", new AdminReply(status, body, headers));
    }

    /** The {tenant} path parameter: one the caller may act on (AdminAccess), holding at least one connection. */
    private String tenant(Exchange exchange) {
        String tenant = access.tenant(exchange);
        if (!connections.knows(tenant)) {
            throw new AdminApiException(404, "Unknown tenant '" + tenant + "'");
        }
        return tenant;
    }

    /** A client-supplied value made safe to echo in an error message. */
    public static String shorten(String value) {
        if (value == null) {
            return "";
        }
        String clean = value.replaceAll("[^A-Za-z0-9_.@-]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
    }

    /** The body of an admin request as a JSON object, or a 400 that names the trouble (never quoting the body). */
    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw AdminApiException.badRequest("A JSON object body is required");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw AdminApiException.badRequest("The body is too large (at most " + MAX_BODY_CHARS + " characters)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw AdminApiException.badRequest("The body is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw AdminApiException.badRequest("The body must be a JSON object");
        }
        return node;
    }

    static String optionalText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw AdminApiException.badRequest("'" + field + "' must be a string");
        }
        String text = value.asText().trim();
        if (text.isEmpty() || text.length() > maxLength || text.chars().anyMatch(Character::isISOControl)) {
            throw AdminApiException.badRequest("'" + field + "' must be 1 to " + maxLength + " printable characters");
        }
        return text;
    }

    static boolean optionalBoolean(JsonNode body, String field, boolean defaultValue) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw AdminApiException.badRequest("'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    private static List<String> stringList(JsonNode body, String field, int max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw AdminApiException.badRequest("'" + field + "' must be an array of strings");
        }
        Set<String> items = new LinkedHashSet<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > 128) {
                throw AdminApiException.badRequest("'" + field + "' must be an array of strings of 1 to 128 characters");
            }
            items.add(item.asText().trim());
        }
        if (items.size() > max) {
            throw AdminApiException.badRequest("'" + field + "' has more than " + max + " entries");
        }
        return List.copyOf(items);
    }
}
