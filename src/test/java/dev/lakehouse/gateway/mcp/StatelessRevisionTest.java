package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/**
 * MCP 2026-07-28 (stateless) beside 2025-11-25 on /mcp, over raw HTTP: server/discover, tools/list and tools/call
 * without initialize or session, each result marked complete with serverInfo and lists with caching hints; every
 * refusal the revision prescribes (incomplete _meta, header mismatches, unsupported version, removed and unknown
 * methods, a session header) with its HTTP status, its code and the request's id; and a session client at the same
 * time, unaffected.
 */
class StatelessRevisionTest extends GatewayTestBase {

    static final String V = "2026-07-28";

    private static Map<String, Object> meta(String version) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("io.modelcontextprotocol/protocolVersion", version);
        meta.put("io.modelcontextprotocol/clientCapabilities", Map.of());
        meta.put("io.modelcontextprotocol/clientInfo", Map.of("name", "stateless-test", "version", "1"));
        return meta;
    }

    private static String call(Object id, String method, Map<String, Object> params) throws Exception {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        return JSON.writeValueAsString(message);
    }

    private static Map<String, Object> params(Object... pairs) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put((String) pairs[i], pairs[i + 1]);
        }
        params.put("_meta", meta(V));
        return params;
    }

    /**
     * A 2026-07-28 POST: MCP-Protocol-Version, and Mcp-Method / Mcp-Name mirrored from the body as a client sends
     * them (SEP-2243); {@code headers} override them, an empty value leaves a header out.
     */
    private HttpResponse<String> stateless(String body, String... headers) throws Exception {
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("MCP-Protocol-Version", V);
        JsonNode message = body.trim().startsWith("{") ? json(body) : null;
        if (message != null && message.path("method").isTextual()) {
            String method = message.path("method").asText();
            sent.put("Mcp-Method", method);
            JsonNode name = message.path("params").path(method.equals("resources/read") ? "uri" : "name");
            if (name.isTextual() && List.of("tools/call", "prompts/get", "resources/read").contains(method)) {
                sent.put("Mcp-Name", name.asText());
            }
        }
        for (int i = 0; i < headers.length; i += 2) {
            sent.put(headers[i], headers[i + 1]);
        }
        HttpRequest.Builder request = post(body);
        sent.forEach((header, value) -> {
            if (!value.isEmpty()) {
                request.header(header, value);
            }
        });
        return send(request.build());
    }

    /** The JSON-RPC message of an answer, JSON or the last data line of an SSE stream. */
    private static JsonNode answer(HttpResponse<String> response) throws Exception {
        String body = response.body().trim();
        if (body.startsWith("{")) {
            return json(body);
        }
        String last = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("data:") && line.length() > 5 && line.substring(5).trim().startsWith("{")) {
                last = line.substring(5).trim();
            }
        }
        return json(last);
    }

    private static void assertRefused(HttpResponse<String> response, int status, int code, Object id) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response.body());
        assertThat(error.path("error").path("code").asInt()).as(response.body()).isEqualTo(code);
        assertThat(error.path("id").asText()).as("the request's id").isEqualTo(String.valueOf(id));
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void discoverAnswersWithoutASession() throws Exception {
        HttpResponse<String> response = stateless(call(1, "server/discover", params()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = answer(response).path("result");
        assertThat(result.path("supportedVersions")).extracting(JsonNode::asText)
                .containsExactly(V, "2025-11-25", "2025-06-18", "2025-03-26");
        assertThat(result.path("capabilities").path("tools").isObject()).isTrue();
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("ttlMs").asLong()).isPositive();
        assertThat(result.path("cacheScope").asText()).isEqualTo("public");
        assertThat(result.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asText())
                .isEqualTo("databricks-mcp-gateway");
        // resources/subscribe is not part of 2026-07-28: no subscribe capability is declared there
        assertThat(result.path("capabilities").path("resources").isObject()).isTrue();
        assertThat(result.path("capabilities").path("resources").has("subscribe")).isFalse();
    }

    @Test
    void aResourceReadIsCacheableAndPrivate() throws Exception {
        HttpResponse<String> read = stateless(call(8, "resources/read", params("uri", "test://static-text")),
                "Mcp-Name", "test://static-text");
        JsonNode result = answer(read).path("result");
        assertThat(result.path("contents").size()).as(read.body()).isPositive();
        assertThat(result.path("ttlMs").asLong()).isPositive();
        assertThat(result.path("cacheScope").asText()).isEqualTo("private");
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        // a resource that does not exist: -32602 in 2026-07-28 (SEP-2164), -32002 in 2025-11-25
        JsonNode missing = answer(stateless(call(9, "resources/read", params("uri", "test://no-such-resource"))));
        assertThat(missing.path("error").path("code").asInt()).isEqualTo(JsonRpcErrors.INVALID_PARAMS);
        String session = initialize();
        JsonNode legacyMissing = answer(send(inSession(session, request(10, "resources/read",
                Map.of("uri", "test://no-such-resource"))).build()));
        assertThat(legacyMissing.path("error").path("code").asInt()).isEqualTo(JsonRpcErrors.RESOURCE_NOT_FOUND);
    }

    @Test
    void toolsListAndCallsWorkWithoutInitialize() throws Exception {
        HttpResponse<String> list = stateless(call(2, "tools/list", params()), "Mcp-Method", "tools/list");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode result = answer(list).path("result");
        assertThat(result.path("tools").size()).isPositive();
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("cacheScope").asText()).as("a tenant's tools are its own").isEqualTo("private");
        assertThat(result.path("ttlMs").asLong()).isPositive();

        HttpResponse<String> info = stateless(call("info-1", "tools/call", params("name", "gateway_info", "arguments", Map.of())),
                "Mcp-Method", "tools/call", "Mcp-Name", "gateway_info");
        JsonNode infoResult = answer(info).path("result");
        assertThat(infoResult.path("isError").asBoolean()).as(info.body()).isFalse();
        assertThat(infoResult.path("structuredContent").path("protocolVersion").asText()).isEqualTo(V);
        assertThat(infoResult.path("resultType").asText()).isEqualTo("complete");

        // an upstream tool: the Databricks call works the same without a session
        HttpResponse<String> catalogs = stateless(call(3, "tools/call", params("name", "list_catalogs", "arguments", Map.of())));
        JsonNode catalogsResult = answer(catalogs).path("result");
        assertThat(catalogsResult.path("isError").asBoolean()).as(catalogs.body()).isFalse();
        assertThat(catalogsResult.toString()).contains("samples");
    }

    @Test
    void incompleteMetaIsInvalidParamsWithStatus400() throws Exception {
        assertRefused(stateless(call(101, "server/discover", Map.of())), 400, JsonRpcErrors.INVALID_PARAMS, 101);
        Map<String, Object> noVersion = new LinkedHashMap<>(meta(V));
        noVersion.remove("io.modelcontextprotocol/protocolVersion");
        assertRefused(stateless(call(102, "server/discover", Map.of("_meta", noVersion))), 400, JsonRpcErrors.INVALID_PARAMS, 102);
        Map<String, Object> noCapabilities = new LinkedHashMap<>(meta(V));
        noCapabilities.remove("io.modelcontextprotocol/clientCapabilities");
        assertRefused(stateless(call(104, "server/discover", Map.of("_meta", noCapabilities))), 400, JsonRpcErrors.INVALID_PARAMS, 104);
        // wrong types
        assertRefused(stateless(call(105, "tools/list", Map.of("_meta", "2026-07-28"))), 400, JsonRpcErrors.INVALID_PARAMS, 105);
        Map<String, Object> arrayCapabilities = new LinkedHashMap<>(meta(V));
        arrayCapabilities.put("io.modelcontextprotocol/clientCapabilities", List.of("sampling"));
        assertRefused(stateless(call(106, "tools/list", Map.of("_meta", arrayCapabilities))), 400, JsonRpcErrors.INVALID_PARAMS, 106);
        // clientInfo is a SHOULD: its absence is served
        Map<String, Object> noClientInfo = new LinkedHashMap<>(meta(V));
        noClientInfo.remove("io.modelcontextprotocol/clientInfo");
        assertThat(stateless(call(107, "server/discover", Map.of("_meta", noClientInfo))).statusCode()).isEqualTo(200);
    }

    @Test
    void headersThatContradictTheBodyAreHeaderMismatch() throws Exception {
        // _meta names another version than the header
        assertRefused(stateless(call(302, "server/discover", Map.of("_meta", meta("v999.0.0")))), 400,
                JsonRpcErrors.HEADER_MISMATCH, 302);
        // a modern request without the header
        HttpResponse<String> noHeader = send(post(call(303, "tools/list", params())).build());
        assertRefused(noHeader, 400, JsonRpcErrors.HEADER_MISMATCH, 303);
        assertRefused(stateless(call(304, "tools/list", params()), "Mcp-Method", "tools/call"), 400,
                JsonRpcErrors.HEADER_MISMATCH, 304);
        assertRefused(stateless(call(305, "tools/call", params("name", "gateway_info", "arguments", Map.of())),
                "Mcp-Name", "run_job"), 400, JsonRpcErrors.HEADER_MISMATCH, 305);
        // both are required: an intermediary may route on them (header names in any case, values trimmed)
        assertRefused(stateless(call(306, "tools/list", params()), "Mcp-Method", ""), 400, JsonRpcErrors.HEADER_MISMATCH, 306);
        assertRefused(stateless(call(307, "tools/call", params("name", "gateway_info", "arguments", Map.of())),
                "Mcp-Name", ""), 400, JsonRpcErrors.HEADER_MISMATCH, 307);
        assertRefused(stateless(call(308, "tools/list", params()), "Mcp-Method", "TOOLS/LIST"), 400,
                JsonRpcErrors.HEADER_MISMATCH, 308);
        assertThat(stateless(call(309, "tools/list", params()), "Mcp-Method", "", "mcp-method", "  tools/list ")
                .statusCode()).isEqualTo(200);
    }

    /** x-mcp-header (SEP-2243): the workspace argument also travels as Mcp-Param-Workspace, and both must agree. */
    @Test
    void theWorkspaceArgumentIsMirroredInMcpParamWorkspace() throws Exception {
        JsonNode listed = answer(stateless(call(310, "tools/list", params()))).path("result").path("tools");
        JsonNode listCatalogs = null;
        for (JsonNode tool : listed) {
            if (tool.path("name").asText().equals("list_catalogs")) {
                listCatalogs = tool;
            }
        }
        assertThat(listCatalogs.path("inputSchema").path("properties").path("workspace").path("x-mcp-header").asText())
                .isEqualTo("Workspace");
        String withWorkspace = call(311, "tools/call", params("name", "list_catalogs", "arguments", Map.of("workspace", "acme")));
        JsonNode served = answer(stateless(withWorkspace, "Mcp-Param-Workspace", "acme")).path("result");
        assertThat(served.path("isError").asBoolean()).as(served.toString()).isFalse();
        assertThat(answer(stateless(withWorkspace, "Mcp-Param-Workspace", "=?base64?YWNtZQ==?=")).path("result")
                .path("isError").asBoolean()).isFalse();
        // the argument without its header, a header without the argument, another value, broken Base64
        assertRefused(stateless(withWorkspace), 400, JsonRpcErrors.HEADER_MISMATCH, 311);
        assertRefused(stateless(call(312, "tools/call", params("name", "list_catalogs", "arguments", Map.of())),
                "Mcp-Param-Workspace", "acme"), 400, JsonRpcErrors.HEADER_MISMATCH, 312);
        String other = call(313, "tools/call", params("name", "list_catalogs", "arguments", Map.of("workspace", "acme")));
        assertRefused(stateless(other, "Mcp-Param-Workspace", "globex"), 400, JsonRpcErrors.HEADER_MISMATCH, 313);
        assertRefused(stateless(other, "Mcp-Param-Workspace", "=?base64?YWNtZQ?="), 400, JsonRpcErrors.HEADER_MISMATCH, 313);
        assertRefused(stateless(other, "Mcp-Param-Workspace", "=?base64?YW!tZQ==?="), 400, JsonRpcErrors.HEADER_MISMATCH, 313);
        // without the wrapper a value is literal, and a session request is not held to the 2026-07-28 headers
        assertRefused(stateless(other, "Mcp-Param-Workspace", "YWNtZQ=="), 400, JsonRpcErrors.HEADER_MISMATCH, 313);
        String session = initialize();
        JsonNode legacy = answer(send(inSession(session, request(314, "tools/call", Map.of("name", "list_catalogs",
                "arguments", Map.of("workspace", "acme")))).build())).path("result");
        assertThat(legacy.path("isError").asBoolean()).as(legacy.toString()).isFalse();
    }

    @Test
    void anUnknownVersionIsUnsupportedProtocolVersionListingOurs() throws Exception {
        HttpResponse<String> response = send(post(call(301, "server/discover", Map.of("_meta", meta("v999.0.0"))))
                .header("MCP-Protocol-Version", "v999.0.0").build());
        assertRefused(response, 400, JsonRpcErrors.UNSUPPORTED_PROTOCOL_VERSION, 301);
        JsonNode data = json(response.body()).path("error").path("data");
        assertThat(data.path("supported")).extracting(JsonNode::asText).contains(V, "2025-11-25");
        assertThat(data.path("requested").asText()).isEqualTo("v999.0.0");
    }

    @Test
    void removedAndUnknownMethodsAre404WithMethodNotFound() throws Exception {
        int id = 500;
        for (String method : List.of("initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
                "unknown/method")) {
            assertRefused(stateless(call(id, method, params())), 404, JsonRpcErrors.METHOD_NOT_FOUND, id);
            id++;
        }
    }

    @Test
    void sessionsDoNotExistIn20260728() throws Exception {
        String session = initialize();
        assertRefused(stateless(call(601, "tools/list", params()), "Mcp-Session-Id", session), 400,
                JsonRpcErrors.INVALID_REQUEST, 601);
        // no GET stream and no DELETE: 405 naming POST
        HttpResponse<String> get = send(HttpRequest.newBuilder(mcpUri()).header("Accept", "text/event-stream")
                .header("MCP-Protocol-Version", V).GET().build());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        // a client answer to a server request: there are none in 2026-07-28
        HttpResponse<String> answer = stateless("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
        assertThat(answer.statusCode()).isEqualTo(400);
    }

    @Test
    void aSessionClientAndAStatelessClientAtTheSameTime() throws Exception {
        String session = initialize();
        HttpResponse<String> legacy = send(inSession(session, request(1, "tools/call",
                Map.of("name", "gateway_info", "arguments", Map.of()))).build());
        HttpResponse<String> modern = stateless(call(2, "tools/call", params("name", "gateway_info", "arguments", Map.of())));
        JsonNode legacyResult = answer(legacy).path("result");
        JsonNode modernResult = answer(modern).path("result");
        assertThat(legacyResult.path("structuredContent").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(legacyResult.has("resultType")).as("2025-11-25 results stay as they were").isFalse();
        assertThat(modernResult.path("structuredContent").path("protocolVersion").asText()).isEqualTo(V);
        // the session revision still refuses server/discover, which it does not have
        JsonNode discover = answer(send(inSession(session, request(3, "server/discover", Map.of())).build()));
        assertThat(discover.path("error").path("code").asInt()).isEqualTo(JsonRpcErrors.METHOD_NOT_FOUND);
        // and a request without session and without _meta is still a missing session
        assertThat(send(post(request(4, "tools/list", Map.of())).header("MCP-Protocol-Version", "2025-11-25").build())
                .statusCode()).isEqualTo(400);
    }

    /** acme's compute group is 'confirm' in the test profile: a state change asks the human first. */
    static final String ACME_ETL = "0101-120000-5dad04ff";
    static final String ACME_SHARED = "0101-120000-4bee826a";

    private static Map<String, Object> withElicitation(Map<String, Object> params) {
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) params.get("_meta"));
        meta.put("io.modelcontextprotocol/clientCapabilities", Map.of("elicitation", Map.of()));
        Map<String, Object> copy = new LinkedHashMap<>(params);
        copy.put("_meta", meta);
        return copy;
    }

    private static Map<String, Object> answer(String action, boolean confirm) {
        return action.equals("accept") ? Map.of("action", "accept", "content", Map.of("confirm", confirm)) : Map.of("action", action);
    }

    @Test
    void aConfirmToolAsksTheHumanByInputRequiredResult() throws Exception {
        Map<String, Object> arguments = Map.of("cluster_id", ACME_ETL);
        Map<String, Object> round1 = withElicitation(params("name", "start_cluster", "arguments", arguments));
        JsonNode first = answer(stateless(call(20, "tools/call", round1))).path("result");
        assertThat(first.path("resultType").asText()).as(first.toString()).isEqualTo("input_required");
        JsonNode asked = first.path("inputRequests").path("input-1");
        assertThat(asked.path("method").asText()).isEqualTo("elicitation/create");
        assertThat(asked.path("params").path("message").asText()).contains("start_cluster").contains(ACME_ETL).contains("'acme'");
        assertThat(asked.path("params").path("requestedSchema").path("properties").has("confirm")).isTrue();
        String state = first.path("requestState").asText();
        assertThat(state).isNotBlank();

        // the human says no: nothing changes, and the state is used up
        Map<String, Object> declined = new LinkedHashMap<>(round1);
        declined.put("inputResponses", Map.of("input-1", answer("decline", false)));
        declined.put("requestState", state);
        JsonNode second = answer(stateless(call(21, "tools/call", declined))).path("result");
        assertThat(second.path("resultType").asText()).isEqualTo("complete");
        assertThat(second.path("isError").asBoolean()).isTrue();
        assertThat(second.toString()).contains("did not allow start_cluster").contains("Nothing was changed");
        JsonNode replayed = answer(stateless(call(22, "tools/call", declined)));
        assertThat(replayed.path("error").path("code").asInt()).isEqualTo(JsonRpcErrors.INVALID_PARAMS);
        assertThat(replayed.path("error").path("message").asText()).contains("used already");

        // a state for one cluster never confirms another
        String fresh = answer(stateless(call(23, "tools/call", round1))).path("result").path("requestState").asText();
        Map<String, Object> otherCluster = withElicitation(params("name", "start_cluster", "arguments",
                Map.of("cluster_id", ACME_SHARED)));
        otherCluster.put("inputResponses", Map.of("input-1", answer("accept", true)));
        otherCluster.put("requestState", fresh);
        JsonNode refused = answer(stateless(call(24, "tools/call", otherCluster)));
        assertThat(refused.path("error").path("message").asText()).contains("arguments differ");
        // a changed state is refused; answers without a state we issued are not taken (the question comes again)
        Map<String, Object> tampered = new LinkedHashMap<>(round1);
        tampered.put("inputResponses", Map.of("input-1", answer("accept", true)));
        tampered.put("requestState", fresh.substring(0, fresh.length() - 2) + (fresh.endsWith("A") ? "BB" : "AA"));
        assertThat(answer(stateless(call(25, "tools/call", tampered))).path("error").path("message").asText())
                .contains("signature");
        Map<String, Object> unasked = new LinkedHashMap<>(round1);
        unasked.put("inputResponses", Map.of("input-1", answer("accept", true)));
        assertThat(answer(stateless(call(26, "tools/call", unasked))).path("result").path("resultType").asText())
                .isEqualTo("input_required");

        // a request that declared no elicitation: -32021 naming it, HTTP 400, with the advice a session client gets
        HttpResponse<String> noElicitation = stateless(call(27, "tools/call", params("name", "start_cluster", "arguments",
                arguments)));
        assertRefused(noElicitation, 400, JsonRpcErrors.MISSING_REQUIRED_CLIENT_CAPABILITY, 27);
        JsonNode missingCapability = json(noElicitation.body()).path("error");
        assertThat(missingCapability.path("data").path("requiredCapabilities").path("elicitation").isObject()).isTrue();
        assertThat(missingCapability.path("message").asText()).contains("needs a human's confirmation");
    }

    @Test
    void anAcceptedConfirmationRunsTheToolInTheSecondRound() throws Exception {
        Map<String, Object> round1 = withElicitation(params("name", "restart_cluster", "arguments",
                Map.of("cluster_id", ACME_SHARED)));
        JsonNode first = answer(stateless(call(30, "tools/call", round1))).path("result");
        assertThat(first.path("resultType").asText()).as(first.toString()).isEqualTo("input_required");
        Map<String, Object> accepted = new LinkedHashMap<>(round1);
        accepted.put("inputResponses", Map.of("input-1", answer("accept", true)));
        accepted.put("requestState", first.path("requestState").asText());
        JsonNode second = answer(stateless(call(31, "tools/call", accepted))).path("result");
        assertThat(second.path("resultType").asText()).isEqualTo("complete");
        assertThat(second.path("isError").asBoolean()).as(second.toString()).isFalse();
        // leave the cluster as found for the other tests: running again
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        String state = "";
        while (System.nanoTime() < deadline && !"RUNNING".equals(state)) {
            Thread.sleep(250);
            JsonNode cluster = answer(stateless(call(32, "tools/call", params("name", "get_cluster", "arguments",
                    Map.of("cluster_id", ACME_SHARED))))).path("result");
            state = json(cluster.path("content").get(0).path("text").asText()).path("state").asText();
        }
        assertThat(state).isEqualTo("RUNNING");
    }

    @Test
    void aPromptThatAsksTheUserAnswersInTwoRounds() throws Exception {
        Map<String, Object> round1 = withElicitation(params("name", "test_input_required_result_prompt", "arguments", Map.of()));
        JsonNode first = answer(stateless(call(50, "prompts/get", round1))).path("result");
        assertThat(first.path("resultType").asText()).as(first.toString()).isEqualTo("input_required");
        assertThat(first.path("inputRequests").path("user_context").path("method").asText()).isEqualTo("elicitation/create");
        Map<String, Object> round2 = new LinkedHashMap<>(round1);
        round2.put("inputResponses", Map.of("user_context", Map.of("action", "accept", "content", Map.of("context", "lakehouse"))));
        round2.put("requestState", first.path("requestState").asText());
        JsonNode second = answer(stateless(call(51, "prompts/get", round2))).path("result");
        assertThat(second.path("resultType").asText()).isEqualTo("complete");
        assertThat(second.path("messages").get(0).path("content").path("text").asText()).isEqualTo("Use this context: lakehouse");

        // a value the user supplies (an unbound question, unlike a confirmation) may come before it is asked, in one
        // round; keys nobody asked for are ignored
        Map<String, Object> upFront = new LinkedHashMap<>(round1);
        upFront.put("inputResponses", Map.of("user_context", Map.of("action", "accept", "content", Map.of("context", "early")),
                "unrelated_key", Map.of("action", "accept", "content", Map.of("x", 1))));
        JsonNode once = answer(stateless(call(52, "prompts/get", upFront))).path("result");
        assertThat(once.path("resultType").asText()).as(once.toString()).isEqualTo("complete");
        assertThat(once.path("messages").get(0).path("content").path("text").asText()).isEqualTo("Use this context: early");
    }

    @Test
    void logMessagesOnlyAtTheLevelTheRequestAsksFor() throws Exception {
        HttpResponse<String> silent = stateless(call(40, "tools/call", params("name", "test_tool_with_logging", "arguments", Map.of())));
        assertThat(silent.body()).contains("Logging test completed").doesNotContain("notifications/message");
        Map<String, Object> chatty = params("name", "test_tool_with_logging", "arguments", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) chatty.get("_meta");
        meta.put("io.modelcontextprotocol/logLevel", "debug");
        HttpResponse<String> logged = stateless(call(41, "tools/call", chatty));
        assertThat(logged.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(logged.body().split("notifications/message", -1).length - 1).as(logged.body()).isEqualTo(3);
        assertThat(answer(logged).path("result").path("resultType").asText()).isEqualTo("complete");
    }

    @Test
    void hostileStatelessBodiesNeverGetA5xx() throws Exception {
        List<String> bodies = List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":null}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":[1,2]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":7}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}},\"name\":{\"x\":1}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}},\"name\":\"list_catalogs\",\"arguments\":\"x\"}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":{}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\"}",
                "[]");
        for (String body : bodies) {
            HttpResponse<String> response = stateless(body);
            assertThat(response.statusCode()).as(body + " -> " + response.body()).isLessThan(500);
            assertThat(response.body()).as(body).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }
}
