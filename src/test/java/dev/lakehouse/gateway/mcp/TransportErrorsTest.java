package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.CancellationProbe;
import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every refusal path of the Streamable HTTP transport over raw HTTP: status, media type, JSON-RPC error code, and a
 * null id for errors that cannot be correlated with a request.
 */
class TransportErrorsTest extends GatewayTestBase {

    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
             "capabilities":{},"clientInfo":{"name":"transport-errors-test","version":"1"}}}""";

    @Autowired
    CancellationProbe probe;

    // ------------------------------------------------------------------------------------------------ helpers

    /** A POST with only the headers given (name, value pairs): no default Accept or Content-Type. */
    private HttpRequest.Builder bare(String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static void assertJsonContentType(HttpResponse<?> response) {
        assertThat(response.headers().firstValue("Content-Type")).as("Content-Type")
                .hasValueSatisfying(ct -> assertThat(TransportGuard.mediaType(ct)).isEqualTo("application/json"));
    }

    /** A transport error: the status, a JSON body, the JSON-RPC code, and id null. */
    private static JsonNode assertTransportError(HttpResponse<String> response, int status, int code) throws Exception {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertJsonContentType(response);
        JsonNode body = json(response.body());
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.has("id")).as("id present").isTrue();
        assertThat(body.get("id").isNull()).as("id is null in %s", body).isTrue();
        assertThat(body.has("result")).isFalse();
        assertThat(body.path("error").path("code").asInt()).as("code in %s", body).isEqualTo(code);
        assertThat(body.path("error").path("message").asText()).isNotBlank();
        return body;
    }

    /** A JSON-RPC error answered with HTTP 200 and the request id echoed. */
    private static JsonNode assertRpcError(HttpResponse<String> response, JsonNode id, int code) throws Exception {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(200);
        assertJsonContentType(response);
        JsonNode body = json(response.body());
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.get("id")).as("id of %s", body).isEqualTo(id);
        assertThat(body.has("result")).isFalse();
        assertThat(body.path("error").path("code").asInt()).as("code in %s", body).isEqualTo(code);
        return body;
    }

    private static JsonNode assertResult(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(200);
        assertJsonContentType(response);
        JsonNode body = json(response.body());
        assertThat(body.has("result")).as("result in %s", body).isTrue();
        return body;
    }

    private HttpResponse<String> call(String session, String body) throws Exception {
        return send(inSession(session, body).build());
    }

    private HttpResponse<String> delete(String session) throws Exception {
        return send(HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30)).DELETE()
                .header("Mcp-Session-Id", session).build());
    }

    /** The raw response of a POST /mcp with this Host header (the JDK client refuses to set Host). */
    private String rawHttp(String host, String body) throws Exception {
        return RawHttp.exchange(port, "POST", "/mcp", Map.of("Host", host, "Content-Type", "application/json",
                "Accept", ACCEPT_BOTH), body);
    }

    // ------------------------------------------------------------------------------------ Origin and Host

    @Test
    void disallowedOriginIs403() throws Exception {
        HttpResponse<String> response = send(post(INITIALIZE).header("Origin", "http://evil.example.com").build());
        JsonNode body = assertTransportError(response, 403, JsonRpcErrors.TRANSPORT_ERROR);
        assertThat(body.path("error").path("message").asText()).contains("Origin");
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
    }

    @Test
    void lookAlikeAndOpaqueOriginsAre403() throws Exception {
        for (String origin : List.of("http://localhost.evil.com:80", "null", "https://127.0.0.1.nip.io", "file://")) {
            assertTransportError(send(post(INITIALIZE).header("Origin", origin).build()), 403, JsonRpcErrors.TRANSPORT_ERROR);
        }
    }

    @Test
    void allowedOriginIsAccepted() throws Exception {
        HttpResponse<String> response = send(post(INITIALIZE).header("Origin", "http://localhost:1234").build());
        assertResult(response);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
        assertResult(send(post(INITIALIZE).header("Origin", "http://127.0.0.1:" + port).build()));
    }

    @Test
    void disallowedHostIs403() throws Exception {
        for (String host : List.of("evil.example.com", "evil.example.com:" + port, "localhost.evil.com:" + port,
                "127.0.0.1.evil.com:" + port, "[::2]:" + port)) {
            String raw = rawHttp(host, INITIALIZE);
            assertThat(RawHttp.status(raw)).as("Host %s -> %s", host, raw).isEqualTo(403);
            assertThat(raw).containsIgnoringCase("content-type: application/json").contains("-32000")
                    .contains("\"id\":null").doesNotContain("Mcp-Session-Id");
        }
    }

    @Test
    void allowedHostOverRawSocketIsAccepted() throws Exception {
        // the control for the test above: the same raw request with a loopback Host works
        String raw = rawHttp("localhost:" + port, INITIALIZE);
        assertThat(RawHttp.status(raw)).as(raw).isEqualTo(200);
        assertThat(raw).containsIgnoringCase("mcp-session-id:").contains("\"result\"");
    }

    // ------------------------------------------------------------------------------------------- body size

    @Test
    void bodyOverTheLimitWithContentLengthIs413() throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}";
        assertTransportError(send(post(body).build()), 413, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void bodyOneByteOverTheLimitIs413() throws Exception {
        String session = initialize();
        String body = padded(65_537);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(65_537);
        assertTransportError(call(session, body), 413, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        byte[] bytes = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "y".repeat(100_000) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        assertThat(request.bodyPublisher().orElseThrow().contentLength()).as("sent chunked").isNegative();
        assertTransportError(send(request), 413, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void bodyAtTheLimitIsServed() throws Exception {
        String session = initialize();
        String body = padded(65_536);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(65_536);
        assertResult(call(session, body));
        // the same body sent chunked
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest chunked = HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        assertResult(send(chunked));
    }

    /** A valid ping of exactly {@code size} bytes. */
    private static String padded(int size) {
        String prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"_meta\":{\"pad\":\"";
        String suffix = "\"}}}";
        return prefix + "p".repeat(size - prefix.length() - suffix.length()) + suffix;
    }

    // --------------------------------------------------------------------------------------- media types

    @Test
    void acceptWithOnlyJsonIs406() throws Exception {
        assertTransportError(send(bare(INITIALIZE, "Content-Type", "application/json", "Accept", "application/json").build()),
                406, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void acceptWithOnlyEventStreamIs406() throws Exception {
        assertTransportError(send(bare(INITIALIZE, "Content-Type", "application/json", "Accept", "text/event-stream").build()),
                406, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void missingAcceptIs406() throws Exception {
        assertTransportError(send(bare(INITIALIZE, "Content-Type", "application/json").build()),
                406, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void wildcardAcceptIsAccepted() throws Exception {
        HttpResponse<String> response = send(bare(INITIALIZE, "Content-Type", "application/json", "Accept", "*/*").build());
        assertResult(response);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
    }

    @Test
    void acceptWithParametersAndQValuesIsAccepted() throws Exception {
        assertResult(send(bare(INITIALIZE, "Content-Type", "application/json; charset=utf-8",
                "Accept", "application/json;q=0.9, text/event-stream;q=0.8").build()));
    }

    @Test
    void textPlainContentTypeIs415() throws Exception {
        assertTransportError(send(bare(INITIALIZE, "Content-Type", "text/plain", "Accept", ACCEPT_BOTH).build()),
                415, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void missingContentTypeIs415() throws Exception {
        assertTransportError(send(bare(INITIALIZE, "Accept", ACCEPT_BOTH).build()), 415, JsonRpcErrors.TRANSPORT_ERROR);
    }

    // ------------------------------------------------------------------------------------------- sessions

    @Test
    void postWithoutSessionIs400() throws Exception {
        JsonNode body = assertTransportError(send(post(PING).build()), 400, JsonRpcErrors.TRANSPORT_ERROR);
        assertThat(body.path("error").path("message").asText()).contains("Mcp-Session-Id");
    }

    @Test
    void blankSessionHeaderIs400() throws Exception {
        assertTransportError(send(post(PING).header("Mcp-Session-Id", " ").build()), 400, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void unknownSessionIs404() throws Exception {
        assertTransportError(call("no-such-session-" + "0".repeat(40), PING), 404, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void deletedSessionIs404() throws Exception {
        String session = initialize();
        assertResult(call(session, PING));
        HttpResponse<String> deleted = delete(session);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).isEmpty();
        assertTransportError(call(session, PING), 404, JsonRpcErrors.TRANSPORT_ERROR);
        assertTransportError(delete(session), 404, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void idleSessionExpiresWith404() throws Exception {
        String session = initialize();
        assertResult(call(session, PING));
        // any request to the session would touch it: the first look is after the 6 s idle timeout and a sweep
        await().pollDelay(Duration.ofSeconds(8)).pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(15))
                .until(() -> call(session, PING).statusCode() == 404);
        assertTransportError(call(session, PING), 404, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void sessionIdsAreLongVisibleAsciiAndDistinct() throws Exception {
        String first = initialize();
        String second = initialize();
        for (String id : List.of(first, second)) {
            assertThat(id.length()).isGreaterThanOrEqualTo(32);
            assertThat(id.chars()).allMatch(c -> c >= 0x21 && c <= 0x7E);
        }
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void aSessionIdAddressesOnlyItsOwnSession() throws Exception {
        String first = initialize();
        String second = initialize();
        assertResult(call(first, PING));
        assertResult(call(second, PING));
        assertThat(delete(first).statusCode()).isEqualTo(200);
        assertTransportError(call(first, PING), 404, JsonRpcErrors.TRANSPORT_ERROR);
        // ending one session leaves the other alone
        assertResult(call(second, PING));
        // ids are exact: a prefix or a case variant of a live id is not that session
        assertTransportError(call(second.substring(0, second.length() - 1), PING), 404, JsonRpcErrors.TRANSPORT_ERROR);
        assertTransportError(call(second + "x", PING), 404, JsonRpcErrors.TRANSPORT_ERROR);
    }

    // ----------------------------------------------------------------------------------- protocol version

    @Test
    void unsupportedProtocolVersionIs400ListingTheSupportedOnes() throws Exception {
        String session = initialize();
        HttpResponse<String> response = send(post(PING).header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "1999-01-01").build());
        JsonNode body = assertTransportError(response, 400, JsonRpcErrors.TRANSPORT_ERROR);
        assertThat(body.path("error").path("message").asText()).contains("2025-11-25, 2025-06-18, 2025-03-26");
        List<String> supported = new ArrayList<>();
        body.path("error").path("data").path("supported").forEach(v -> supported.add(v.asText()));
        assertThat(supported).containsExactly("2025-11-25", "2025-06-18", "2025-03-26");
        assertThat(body.path("error").path("data").path("requested").asText()).isEqualTo("1999-01-01");
    }

    @Test
    void olderSupportedProtocolVersionsAreAccepted() throws Exception {
        String session = initialize();
        for (String version : List.of("2025-03-26", "2025-06-18", "2025-11-25")) {
            assertResult(send(post(PING).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", version).build()));
        }
        // absent header: the spec says assume 2025-03-26, which is supported
        assertResult(send(post(PING).header("Mcp-Session-Id", session).build()));
    }

    // ---------------------------------------------------------------------------------- JSON-RPC envelope

    @Test
    void malformedJsonIs400ParseError() throws Exception {
        String session = initialize();
        for (String body : List.of("{\"jsonrpc\":\"2.0\",\"id\":1,", "{not json}", "", "   ", "{'jsonrpc':'2.0'}",
                "\u0000", "\"unterminated")) {
            assertTransportError(call(session, body), 400, JsonRpcErrors.PARSE_ERROR);
        }
    }

    @Test
    void trailingContentAfterTheJsonValueIsAParseError() throws Exception {
        String session = initialize();
        // RFC 8259: a JSON text is one value; these bodies are not valid JSON and must not be served as a ping
        for (String body : List.of(PING + "}", PING + " garbage", PING + PING.replace("\"id\":1", "\"id\":2"))) {
            HttpResponse<String> response = call(session, body);
            assertThat(response.body()).as("answer to %s", body).doesNotContain("\"result\"");
            assertTransportError(response, 400, JsonRpcErrors.PARSE_ERROR);
        }
    }

    @Test
    void batchIs400InvalidRequest() throws Exception {
        String session = initialize();
        JsonNode body = assertTransportError(call(session, "[" + PING + "," + PING.replace("\"id\":1", "\"id\":2") + "]"),
                400, JsonRpcErrors.INVALID_REQUEST);
        assertThat(body.path("error").path("message").asText()).containsIgnoringCase("batch");
        assertTransportError(call(session, "[]"), 400, JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void nonObjectJsonIs400InvalidRequest() throws Exception {
        String session = initialize();
        for (String body : List.of("42", "\"x\"", "null", "true")) {
            assertTransportError(call(session, body), 400, JsonRpcErrors.INVALID_REQUEST);
        }
    }

    @Test
    void missingOrWrongJsonRpcVersionIsInvalidRequest() throws Exception {
        String session = initialize();
        for (String body : List.of("{\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
                "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}")) {
            assertTransportError(call(session, body), 400, JsonRpcErrors.INVALID_REQUEST);
        }
    }

    @Test
    void idOfWrongTypeIsInvalidRequest() throws Exception {
        String session = initialize();
        for (String id : List.of("1.5", "true", "{\"a\":1}", "null", "[1]", "\"" + "i".repeat(257) + "\"")) {
            assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"),
                    400, JsonRpcErrors.INVALID_REQUEST);
        }
    }

    @Test
    void stringAndIntegerIdsAreEchoedExactly() throws Exception {
        String session = initialize();
        for (String id : List.of("\"abc\"", "0", "-5", "9007199254740993", "\"" + "i".repeat(256) + "\"")) {
            HttpResponse<String> response = call(session, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
            assertThat(assertResult(response).get("id")).isEqualTo(json(id));
        }
    }

    @Test
    void paramsAsArrayIsInvalidRequest() throws Exception {
        String session = initialize();
        assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1,2]}"),
                400, JsonRpcErrors.INVALID_REQUEST);
        assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":\"x\"}"),
                400, JsonRpcErrors.INVALID_REQUEST);
    }

    @Test
    void methodOfWrongTypeIsInvalidRequest() throws Exception {
        String session = initialize();
        for (String method : List.of("42", "\"\"", "null", "{}")) {
            assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":" + method + "}"),
                    400, JsonRpcErrors.INVALID_REQUEST);
        }
    }

    // ------------------------------------------------------------------------------------- method errors

    @Test
    void unknownMethodIsMethodNotFoundWithTheIdEchoed() throws Exception {
        String session = initialize();
        JsonNode body = assertRpcError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":\"req-42\",\"method\":\"no/such\"}"),
                json("\"req-42\""), JsonRpcErrors.METHOD_NOT_FOUND);
        assertThat(body.path("error").path("message").asText()).contains("no/such");
        assertRpcError(call(session, request(43, "tools/frobnicate", Map.of())), json("43"), JsonRpcErrors.METHOD_NOT_FOUND);
    }

    @Test
    void methodNameIsNotEvaluatedAsCamelExpression() throws Exception {
        String session = initialize();
        String method = "${sys.user.home}${camelContext.name}";
        JsonNode body = assertRpcError(call(session, request(44, method, Map.of())), json("44"),
                JsonRpcErrors.METHOD_NOT_FOUND);
        String message = body.path("error").path("message").asText();
        assertThat(message).contains(method).doesNotContain(System.getProperty("user.home") + "mcp-gateway");
    }

    @Test
    void toolsCallUnknownToolIsInvalidParams() throws Exception {
        String session = initialize();
        JsonNode body = assertRpcError(call(session, request(5, "tools/call", Map.of("name", "no_such_tool"))),
                json("5"), JsonRpcErrors.INVALID_PARAMS);
        assertThat(body.path("error").path("message").asText()).contains("no_such_tool");
    }

    @Test
    void toolsCallWithoutNameIsInvalidParams() throws Exception {
        String session = initialize();
        assertRpcError(call(session, request(6, "tools/call", Map.of())), json("6"), JsonRpcErrors.INVALID_PARAMS);
        assertRpcError(call(session, request(7, "tools/call", Map.of("name", 42))), json("7"), JsonRpcErrors.INVALID_PARAMS);
        assertRpcError(call(session, request(8, "tools/call", Map.of("name", "test_simple_text", "arguments", List.of(1)))),
                json("8"), JsonRpcErrors.INVALID_PARAMS);
    }

    @Test
    void toolsListWithBadCursorIsInvalidParams() throws Exception {
        String session = initialize();
        assertRpcError(call(session, request(9, "tools/list", Map.of("cursor", "garbage"))), json("9"),
                JsonRpcErrors.INVALID_PARAMS);
        String outOfRange = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("tools:9999".getBytes(StandardCharsets.UTF_8));
        assertRpcError(call(session, request(10, "tools/list", Map.of("cursor", outOfRange))), json("10"),
                JsonRpcErrors.INVALID_PARAMS);
        // the first page works, so the refusals above are about the cursor
        assertThat(assertResult(call(session, request(11, "tools/list", Map.of()))).path("result").path("tools").size())
                .isPositive();
    }

    @Test
    void loggingSetLevelWithUnknownLevelIsInvalidParams() throws Exception {
        String session = initialize();
        assertRpcError(call(session, request(12, "logging/setLevel", Map.of("level", "loud"))), json("12"),
                JsonRpcErrors.INVALID_PARAMS);
        assertRpcError(call(session, request(13, "logging/setLevel", Map.of())), json("13"), JsonRpcErrors.INVALID_PARAMS);
        assertResult(call(session, request(14, "logging/setLevel", Map.of("level", "warning"))));
    }

    @Test
    void promptsGetUnknownIsInvalidParams() throws Exception {
        String session = initialize();
        assertRpcError(call(session, request(15, "prompts/get", Map.of("name", "no_such_prompt"))), json("15"),
                JsonRpcErrors.INVALID_PARAMS);
    }

    @Test
    void resourcesReadUnknownUriIsResourceNotFound() throws Exception {
        String session = initialize();
        JsonNode body = assertRpcError(call(session, request(16, "resources/read", Map.of("uri", "test://no-such-resource"))),
                json("16"), JsonRpcErrors.RESOURCE_NOT_FOUND);
        assertThat(body.path("error").path("data").path("uri").asText()).isEqualTo("test://no-such-resource");
    }

    // --------------------------------------------------------------------- notifications and client responses

    @Test
    void notificationsAre202WithEmptyBody() throws Exception {
        String session = initialize();
        for (String body : List.of("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\",\"params\":{\"x\":1}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"nothing\"}}")) {
            HttpResponse<String> response = call(session, body);
            assertThat(response.statusCode()).as(body).isEqualTo(202);
            assertThat(response.body()).isEmpty();
        }
    }

    @Test
    void clientResponseNobodyWaitsForIs400() throws Exception {
        String session = initialize();
        assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":\"srv-999\",\"result\":{}}"), 400,
                JsonRpcErrors.INVALID_REQUEST);
        assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":77,\"error\":{\"code\":-1,\"message\":\"no\"}}"),
                400, JsonRpcErrors.INVALID_REQUEST);
        // neither result nor error, or both: not a message at all
        assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":78}"), 400, JsonRpcErrors.INVALID_REQUEST);
        assertTransportError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":79,\"result\":{},\"error\":{}}"), 400,
                JsonRpcErrors.INVALID_REQUEST);
    }

    // ---------------------------------------------------------------------------------- no header echo

    @Test
    void responsesNeverEchoRequestHeaders() throws Exception {
        HttpResponse<String> init = send(post(INITIALIZE).header("Authorization", "Bearer secret-token")
                .header("X-Custom-Echo", "abc").build());
        assertResult(init);
        assertNoEcho(init);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        HttpResponse<String> ok = send(inSession(session, PING).header("Authorization", "Bearer secret-token")
                .header("X-Custom-Echo", "abc").build());
        assertResult(ok);
        assertNoEcho(ok);

        HttpResponse<String> unknownSession = send(inSession("not-a-session", PING)
                .header("Authorization", "Bearer secret-token").header("X-Custom-Echo", "abc").build());
        assertTransportError(unknownSession, 404, JsonRpcErrors.TRANSPORT_ERROR);
        assertNoEcho(unknownSession);

        HttpResponse<String> unsupported = send(bare(PING, "Content-Type", "text/plain", "Accept", ACCEPT_BOTH,
                "Authorization", "Bearer secret-token", "X-Custom-Echo", "abc").build());
        assertTransportError(unsupported, 415, JsonRpcErrors.TRANSPORT_ERROR);
        assertNoEcho(unsupported);

        HttpResponse<String> forbidden = send(post(PING).header("Origin", "http://evil.example.com")
                .header("Authorization", "Bearer secret-token").header("X-Custom-Echo", "abc").build());
        assertTransportError(forbidden, 403, JsonRpcErrors.TRANSPORT_ERROR);
        assertNoEcho(forbidden);
    }

    private static void assertNoEcho(HttpResponse<String> response) {
        Map<String, List<String>> headers = response.headers().map();
        assertThat(headers.keySet()).as("response headers %s", headers)
                .noneMatch(name -> name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("X-Custom-Echo")
                        || name.equalsIgnoreCase("Origin") || name.equalsIgnoreCase("Accept"));
        assertThat(headers.values()).as("response headers %s", headers)
                .noneMatch(values -> values.stream().anyMatch(v -> v.contains("secret-token")));
        assertThat(response.body()).doesNotContain("secret-token");
    }

    // -------------------------------------------------------------------------------- GET, PUT, DELETE

    @Test
    void putIs405() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .PUT(HttpRequest.BodyPublishers.ofString(PING)).build());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void getWithJsonAcceptIs406() throws Exception {
        String session = initialize();
        assertTransportError(send(HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30)).GET()
                .header("Accept", "application/json").header("Mcp-Session-Id", session).build()),
                406, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void getWithoutSessionIs400AndWithUnknownSessionIs404() throws Exception {
        assertTransportError(send(HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30)).GET()
                .header("Accept", "text/event-stream").build()), 400, JsonRpcErrors.TRANSPORT_ERROR);
        assertTransportError(send(HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30)).GET()
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", "unknown").build()),
                404, JsonRpcErrors.TRANSPORT_ERROR);
    }

    @Test
    void getWithSessionOpensAStreamThatStartsWithThePrimingEvent() throws Exception {
        String session = initialize();
        HttpRequest get = HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30)).GET()
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-11-25").build();
        HttpResponse<InputStream> response = HTTP.sendAsync(get, HttpResponse.BodyHandlers.ofInputStream())
                .get(30, TimeUnit.SECONDS);
        List<String> lines = new ArrayList<>();
        try (InputStream body = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(TransportGuard.mediaType(ct)).isEqualTo("text/event-stream"));
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            // the priming event: id, retry, empty data, blank line
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 4; i++) {
                        String line = reader.readLine();
                        if (line == null) {
                            break;
                        }
                        lines.add(line);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            read.get(10, TimeUnit.SECONDS);
        }
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        assertThat(lines.get(0)).matches("id: ?\\S+");
        assertThat(lines.get(1)).matches("retry: ?[0-9]+");
        assertThat(lines.get(2)).matches("data: ?");
        assertThat(delete(session).statusCode()).isEqualTo(200);
    }

    @Test
    void deleteEndsTheSessionOnceThen404() throws Exception {
        String session = initialize();
        HttpResponse<String> first = delete(session);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEmpty();
        assertTransportError(delete(session), 404, JsonRpcErrors.TRANSPORT_ERROR);
        assertTransportError(send(HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(30)).DELETE().build()),
                400, JsonRpcErrors.TRANSPORT_ERROR);
    }

    // ------------------------------------------------------------------------------- duplicate request id

    @Test
    void duplicateInFlightRequestIdIsInvalidRequest() throws Exception {
        String session = initialize();
        int ticksBefore = probe.ticks("dup");
        String waitCall = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"test_wait_for_cancel\",\"arguments\":{\"label\":\"dup\"}}}";
        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(inSession(session, waitCall).build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.ticks("dup") > ticksBefore);
            JsonNode duplicate = assertRpcError(call(session, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}"),
                    json("7"), JsonRpcErrors.INVALID_REQUEST);
            assertThat(duplicate.path("error").path("message").asText()).contains("in flight");
            // another id is served meanwhile
            assertResult(call(session, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}"));
        } finally {
            HttpResponse<String> cancelled = call(session,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7}}");
            assertThat(cancelled.statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.sawCancel("dup"));
        HttpResponse<String> firstResponse = first.get(15, TimeUnit.SECONDS);
        // a cancelled request gets no JSON-RPC response
        assertThat(firstResponse.body()).doesNotContain("\"result\"").doesNotContain("finished without being cancelled");
        // once the first request is gone, its id is free again in this session
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> json(call(session, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}").body()).has("result"));
    }

    // ----------------------------------------------------------------------------------- initialize

    private HttpResponse<String> initializeWith(String paramsJson) throws Exception {
        return send(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":" + paramsJson + "}").build());
    }

    @Test
    void initializeAnswersTheRequestedSupportedVersion() throws Exception {
        HttpResponse<String> response = initializeWith(
                "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
        assertThat(assertResult(response).path("result").path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
        HttpResponse<String> oldest = initializeWith(
                "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
        assertThat(assertResult(oldest).path("result").path("protocolVersion").asText()).isEqualTo("2025-03-26");
    }

    @Test
    void initializeWithUnsupportedVersionAnswersTheLatest() throws Exception {
        HttpResponse<String> response = initializeWith(
                "{\"protocolVersion\":\"1999-01-01\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
        JsonNode body = assertResult(response);
        assertThat(body.path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(body.path("result").path("serverInfo").path("name").asText()).isEqualTo("databricks-mcp-gateway");
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
    }

    @Test
    void initializeWithoutProtocolVersionIsInvalidParams() throws Exception {
        HttpResponse<String> response = initializeWith("{\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}");
        assertRpcError(response, json("1"), JsonRpcErrors.INVALID_PARAMS);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        assertRpcError(initializeWith("{\"protocolVersion\":20251125,\"capabilities\":{}}"), json("1"),
                JsonRpcErrors.INVALID_PARAMS);
        assertRpcError(initializeWith("{\"protocolVersion\":\"2025-11-25\",\"capabilities\":[]}"), json("1"),
                JsonRpcErrors.INVALID_PARAMS);
    }
}
