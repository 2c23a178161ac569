package dev.lakehouse.gateway.mcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The rules of MCP 2026-07-28, the stateless revision, beside the session revisions on the same endpoint. A request
 * speaks 2026-07-28 when its MCP-Protocol-Version header says so, or when it comes without a session and its
 * {@code _meta} names a revision that is not a session revision. Such a request carries its protocol version and
 * client capabilities in {@code params._meta}, has no session, and gets every error with its own id and the HTTP
 * status the revision prescribes. The steps here are named in the routes: classify, checkRequest, decorateResult,
 * onError, refuseSessionEndpoint.
 */
@Component("mcpRevision")
public class RevisionRules {

    /** Exchange variable: {@link #STATELESS} for a 2026-07-28 request, absent for the session revisions. */
    public static final String VARIABLE = "mcpRevision";
    /** Exchange variable: the client capabilities a 2026-07-28 request declared in its _meta. */
    public static final String CLIENT_CAPABILITIES = "mcpClientCapabilities";
    /**
     * Variable: the request's Mcp-Param-* headers by lower-case name (the tool call runs on an exchange of its own,
     * which gets the variables and not the HTTP headers; the tool's schema says which must be there).
     */
    public static final String PARAM_HEADERS = "mcpParamHeaders";
    public static final String STATELESS = ProtocolVersions.STATELESS;
    static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    /** Methods of the session revisions that 2026-07-28 removed: answered like unknown methods. */
    static final Set<String> REMOVED_METHODS = Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
            "resources/unsubscribe");
    /** Methods whose results are cacheable in 2026-07-28 and so carry ttlMs and cacheScope (the lists, a read). */
    static final Set<String> CACHEABLE_METHODS = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read");
    /** Methods whose Mcp-Name header mirrors a field of the params. */
    static final Map<String, String> NAMED_BY = Map.of("tools/call", "name", "prompts/get", "name",
            "resources/read", "uri");

    private final McpProperties properties;
    private final JsonRpc jsonRpc;
    private final RequestStates requestStates;

    public RevisionRules(McpProperties properties, JsonRpc jsonRpc, RequestStates requestStates) {
        this.properties = properties;
        this.jsonRpc = jsonRpc;
        this.requestStates = requestStates;
    }

    /** The log level a 2026-07-28 request asked for in its _meta; null (no log messages) when absent or unknown. */
    static LogLevel logLevel(IncomingMessage message) {
        JsonNode level = meta(message).get(META_LOG_LEVEL);
        return level != null && level.isTextual() ? LogLevel.fromWire(level.asText()) : null;
    }

    public static boolean isStateless(Exchange exchange) {
        return STATELESS.equals(exchange.getVariable(VARIABLE, String.class));
    }

    /** After the message is read: which revision it speaks (sets {@link #VARIABLE} for 2026-07-28). */
    public void classify(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        String header = trimmed(exchange.getIn().getHeader("MCP-Protocol-Version", String.class));
        String session = exchange.getIn().getHeader("Mcp-Session-Id", String.class);
        JsonNode metaVersion = meta(message).get(META_PROTOCOL_VERSION);
        boolean statelessByMeta = session == null && metaVersion != null
                && !(metaVersion.isTextual() && ProtocolVersions.isSupported(metaVersion.asText()))
                && !"initialize".equals(message.method());
        if (STATELESS.equals(header) || statelessByMeta) {
            exchange.setVariable(VARIABLE, STATELESS);
        }
    }

    /**
     * A 2026-07-28 message: no session, no answers to server requests, its _meta complete and equal to its headers,
     * a version we speak, and no method the revision removed. Each refusal carries the request's id.
     */
    public void checkRequest(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        JsonNode id = message.id();
        if (message.kind() == IncomingMessage.Kind.RESPONSE) {
            throw refuse(400, id, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: in 2026-07-28 the server sends no "
                    + "requests, so there is nothing to answer", null);
        }
        if (exchange.getIn().getHeader("Mcp-Session-Id") != null) {
            throw refuse(400, id, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: 2026-07-28 has no sessions; send "
                    + "the request without Mcp-Session-Id (or initialize a session with MCP-Protocol-Version 2025-11-25)",
                    null);
        }
        if (message.kind() == IncomingMessage.Kind.NOTIFICATION) {
            return;
        }
        JsonNode meta = message.params() == null ? null : message.params().get("_meta");
        if (meta == null || !meta.isObject()) {
            throw refuse(400, id, JsonRpcErrors.INVALID_PARAMS, "Invalid params: params._meta (object) is required in "
                    + "2026-07-28, with " + META_PROTOCOL_VERSION + " and " + META_CLIENT_CAPABILITIES, null);
        }
        JsonNode version = meta.get(META_PROTOCOL_VERSION);
        if (version == null || !version.isTextual() || version.asText().isBlank()) {
            throw refuse(400, id, JsonRpcErrors.INVALID_PARAMS, "Invalid params: params._meta[\"" + META_PROTOCOL_VERSION
                    + "\"] (string) is required", null);
        }
        JsonNode capabilities = meta.get(META_CLIENT_CAPABILITIES);
        if (capabilities == null || !capabilities.isObject()) {
            throw refuse(400, id, JsonRpcErrors.INVALID_PARAMS, "Invalid params: params._meta[\""
                    + META_CLIENT_CAPABILITIES + "\"] (object) is required", null);
        }
        String header = trimmed(exchange.getIn().getHeader("MCP-Protocol-Version", String.class));
        if (!version.asText().equals(header)) {
            throw refuse(400, id, JsonRpcErrors.HEADER_MISMATCH, "Header mismatch: MCP-Protocol-Version "
                    + (header == null ? "is missing" : "'" + header + "'") + " but params._meta names '"
                    + version.asText() + "'", null);
        }
        if (!STATELESS.equals(version.asText())) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("supported", ProtocolVersions.ALL);
            data.put("requested", version.asText());
            throw refuse(400, id, JsonRpcErrors.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version '"
                    + version.asText() + "'; supported: " + String.join(", ", ProtocolVersions.ALL), data);
        }
        checkMirroredHeaders(exchange, message);
        if (REMOVED_METHODS.contains(message.method())) {
            throw refuse(404, id, JsonRpcErrors.METHOD_NOT_FOUND, "Method not found: " + message.method()
                    + " is not part of 2026-07-28", null);
        }
        exchange.setVariable(CLIENT_CAPABILITIES, capabilities);
        Map<String, String> paramHeaders = new java.util.HashMap<>();
        exchange.getIn().getHeaders().forEach((name, value) -> {
            if (name.regionMatches(true, 0, "Mcp-Param-", 0, 10) && value != null) {
                paramHeaders.put(name.toLowerCase(java.util.Locale.ROOT), value.toString());
            }
        });
        exchange.setVariable(PARAM_HEADERS, paramHeaders);
    }

    /**
     * Mcp-Method (every request and notification) and Mcp-Name (tools/call, prompts/get, resources/read) mirror the
     * body so intermediaries can route without reading it (SEP-2243): both are required and must say the same as the
     * body, byte for byte after trimming (header names are case-insensitive, values are not).
     */
    private void checkMirroredHeaders(Exchange exchange, IncomingMessage message) {
        String method = trimmed(exchange.getIn().getHeader("Mcp-Method", String.class));
        if (method == null || !method.equals(message.method())) {
            throw refuse(400, message.id(), JsonRpcErrors.HEADER_MISMATCH, "Header mismatch: Mcp-Method "
                    + (method == null ? "is missing" : "'" + method + "'") + " but the body's method is '"
                    + message.method() + "'", null);
        }
        String field = NAMED_BY.get(message.method());
        if (field == null) {
            return;
        }
        String name = trimmed(exchange.getIn().getHeader("Mcp-Name", String.class));
        JsonNode named = message.params() == null ? null : message.params().get(field);
        if (name == null ? named != null : named == null || !named.isTextual() || !name.equals(named.asText())) {
            throw refuse(400, message.id(), JsonRpcErrors.HEADER_MISMATCH, "Header mismatch: Mcp-Name "
                    + (name == null ? "is missing" : "'" + name + "'") + " but params." + field + " is "
                    + (named == null ? "missing" : named.toString()), null);
        }
    }

    /**
     * Last step before a 2026-07-28 result is written: every result says it is complete and who answers; cacheable
     * results (lists, resources/read, discover) say how long they may be cached and by whom (a tenant's tools and
     * resources are its own: private).
     */
    public ObjectNode decorateResult(Exchange exchange) {
        String method = exchange.getVariable("mcpMethod", String.class);
        Object body = exchange.getMessage().getBody();
        ObjectNode result = body == null ? jsonRpc.mapper().createObjectNode()
                : body instanceof ObjectNode node ? node : jsonRpc.mapper().valueToTree(body);
        if (!result.has("resultType")) {
            result.put("resultType", "complete");
        }
        if (CACHEABLE_METHODS.contains(method) || "server/discover".equals(method)) {
            result.put("ttlMs", properties.listCacheTtl().toMillis());
            result.put("cacheScope", "server/discover".equals(method) ? "public" : "private");
        }
        putServerInfo(result);
        return result;
    }

    /**
     * Error step of the dispatch, in 2026-07-28's terms: an unknown method is HTTP 404 (-32601 in the body), a missing
     * client capability HTTP 400 (-32021), a custom header that contradicts the arguments HTTP 400 (-32020), and a resource that does not exist is -32602 (SEP-2164; the session
     * revisions keep -32002).
     */
    public void onError(Exchange exchange) {
        if (!isStateless(exchange)) {
            return;
        }
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        if (caught instanceof MethodNotFoundException && call != null) {
            call.replyStatus(404);
        } else if ((caught instanceof MissingClientCapabilityException || caught instanceof HeaderMismatchException)
                && call != null) {
            call.replyStatus(400);
        } else if (caught instanceof JsonRpcException e && e.code() == JsonRpcErrors.RESOURCE_NOT_FOUND) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                    new JsonRpcException(JsonRpcErrors.INVALID_PARAMS, e.getMessage(), e.data()));
        }
    }

    /**
     * A 2026-07-28 tools/call that comes back with answers: its requestState is opened (sealed here, for this caller,
     * this tool and these arguments, not used before) and the answers of earlier rounds joined with this request's
     * inputResponses. Answers sent without a state count only for unbound questions (values a user supplies); a
     * confirmation is bound and is answered only under the state sealed when it was asked.
     */
    public void openInputs(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        if (call == null || message.params() == null) {
            return;
        }
        JsonNode state = message.params().get("requestState");
        JsonNode responses = message.params().get("inputResponses");
        if (state == null || state.isNull()) {
            // answers sent without being asked: unrecognized keys are ignored, bound questions are still asked
            if (responses != null && responses.isObject()) {
                call.inputAnswers(((ObjectNode) responses).deepCopy(), 1, false);
            }
            return;
        }
        if (!state.isTextual()) {
            throw JsonRpcException.invalidParams("Invalid params: requestState must be the string this server sent");
        }
        RequestStates.Opened opened = requestStates.open(state.asText(), exchange.getVariable("caller", String.class),
                message.method(), message.params().path("name").asText(""), message.params().get("arguments"));
        ObjectNode answers = opened.answers().deepCopy();
        if (responses != null && responses.isObject()) {
            responses.fields().forEachRemaining(answer -> answers.set(answer.getKey(), answer.getValue()));
        }
        call.inputAnswers(answers, opened.round() + 1, true);
    }

    /**
     * In a tool's failure handling: a round that ends for want of input, or a request that needs a capability the
     * client did not declare, is not a tool failure; it goes on up to the dispatch.
     */
    public void passInputRequests(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof InputRequiredException inputRequired) {
            throw inputRequired;
        }
        if (caught instanceof MissingClientCapabilityException missing) {
            throw missing;
        }
    }

    /**
     * The answer to a round that needs input: an InputRequiredResult naming what to ask (as the request the
     * session revisions would have sent) and a requestState sealing the answers so far for the next round.
     */
    public ObjectNode inputRequiredResult(Exchange exchange) {
        InputRequiredException needed = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, InputRequiredException.class);
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        ObjectNode result = jsonRpc.mapper().createObjectNode();
        result.put("resultType", "input_required");
        ObjectNode requests = result.putObject("inputRequests");
        needed.requests().forEach((key, question) -> {
            ObjectNode request = requests.putObject(key);
            request.put("method", question.method());
            request.set("params", jsonRpc.mapper().valueToTree(question.params() == null ? Map.of() : question.params()));
        });
        result.put("requestState", requestStates.seal(exchange.getVariable("caller", String.class), message.method(),
                message.params().path("name").asText(""), message.params().get("arguments"), needed.answers(),
                needed.round()));
        putServerInfo(result);
        return result;
    }

    /** GET and DELETE belong to sessions: 2026-07-28 has neither a GET stream nor sessions to end. */
    public void refuseSessionEndpoint(Exchange exchange) {
        String header = trimmed(exchange.getIn().getHeader("MCP-Protocol-Version", String.class));
        if (STATELESS.equals(header)) {
            throw new McpTransportException(405, JsonRpcErrors.INVALID_REQUEST, "Method Not Allowed: 2026-07-28 has "
                    + "no GET stream and no sessions; send requests with POST", null, Map.of("Allow", "POST"));
        }
    }

    /**
     * server/discover: the versions we speak and what we offer, without a session. resources/subscribe does not exist
     * in 2026-07-28 (its successor, subscriptions/listen, is not offered yet), so no subscribe capability is declared.
     */
    public Map<String, Object> discover(Map<String, Object> capabilities) {
        Map<String, Object> offered = new LinkedHashMap<>(capabilities);
        if (offered.get("resources") instanceof Map<?, ?> resources) {
            Map<String, Object> withoutSubscribe = new LinkedHashMap<>();
            resources.forEach((k, v) -> withoutSubscribe.put(String.valueOf(k), v));
            withoutSubscribe.remove("subscribe");
            offered.put("resources", withoutSubscribe);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("supportedVersions", ProtocolVersions.ALL);
        result.put("capabilities", offered);
        if (properties.instructions() != null && !properties.instructions().isBlank()) {
            result.put("instructions", properties.instructions());
        }
        return result;
    }

    /** 2026-07-28: who answers, in the result's _meta (kept beside what a method put there). */
    private void putServerInfo(ObjectNode result) {
        ObjectNode meta = result.get("_meta") instanceof ObjectNode existing ? existing : result.putObject("_meta");
        meta.set(META_SERVER_INFO, jsonRpc.mapper().valueToTree(serverInfo()));
    }

    /** The server's name, title and version: initialize's serverInfo and 2026-07-28's _meta. */
    Map<String, Object> serverInfo() {
        return Map.of("name", properties.serverName(), "title", "Databricks MCP Gateway", "version",
                properties.serverVersion());
    }

    private static JsonNode meta(IncomingMessage message) {
        JsonNode meta = message.params() == null ? null : message.params().get("_meta");
        return meta != null && meta.isObject() ? meta : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static McpTransportException refuse(int status, JsonNode id, int code, String message, Object data) {
        return new McpTransportException(status, code, message, data, Map.of(), id);
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
