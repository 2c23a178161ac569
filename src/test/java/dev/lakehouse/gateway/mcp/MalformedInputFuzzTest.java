package dev.lakehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A deterministic barrage of hostile POST bodies, without a session and within one. Whatever arrives, the gateway
 * answers with a 2xx/4xx, never leaks internals, answers 200 only with a well-formed JSON-RPC message, and keeps
 * serving afterwards.
 */
class MalformedInputFuzzTest extends GatewayTestBase {

    private static final long SEED = 20_251_125L;
    private static final int MIN_BODIES = 300;
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "java.", "org.apache", "springframework");

    /** One hostile body and where it came from (for failure messages). */
    record Body(String label, byte[] bytes) {
        static Body of(String label, String text) {
            return new Body(label, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------------------------------ generator

    /** A message as raw JSON fragments, so that any field can hold any literal (1e400 included). */
    private static final class Msg {
        final Map<String, String> top = new LinkedHashMap<>();
        final Map<String, String> params = new LinkedHashMap<>();
        boolean hasParams;

        Msg(String id, String method) {
            top.put("jsonrpc", "\"2.0\"");
            if (id != null) {
                top.put("id", id);
            }
            if (method != null) {
                top.put("method", str(method));
            }
        }

        Msg param(String name, String raw) {
            hasParams = true;
            params.put(name, raw);
            return this;
        }

        Msg copy() {
            Msg copy = new Msg(null, null);
            copy.top.clear();
            copy.top.putAll(top);
            copy.params.putAll(params);
            copy.hasParams = hasParams;
            return copy;
        }

        String render() {
            Map<String, String> fields = new LinkedHashMap<>(top);
            if (hasParams && !fields.containsKey("params")) {
                fields.put("params", object(params));
            }
            return object(fields);
        }
    }

    private static String object(Map<String, String> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(str(k)).append(':').append(v));
        return out.append('}').toString();
    }

    /** A JSON string literal; non-ASCII characters stay raw (UTF-8 on the wire). */
    private static String str(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static List<Msg> templates() {
        List<Msg> t = new ArrayList<>();
        t.add(new Msg("1", "initialize").param("protocolVersion", "\"2025-11-25\"").param("capabilities", "{}")
                .param("clientInfo", "{\"name\":\"fuzz\",\"version\":\"1\"}"));
        t.add(new Msg("2", "ping"));
        t.add(new Msg("3", "tools/list").param("cursor", "null"));
        t.add(new Msg("4", "tools/call").param("name", "\"test_simple_text\"").param("arguments", "{}"));
        t.add(new Msg("5", "tools/call").param("name", "\"gateway_info\"").param("arguments", "{}")
                .param("_meta", "{\"progressToken\":\"p\"}"));
        t.add(new Msg("6", "tools/call").param("name", "\"json_schema_2020_12_tool\"")
                .param("arguments", "{\"name\":\"n\",\"address\":{\"street\":\"s\",\"city\":\"c\"},\"email\":\"n@example.com\"}"));
        t.add(new Msg("7", "logging/setLevel").param("level", "\"error\""));
        t.add(new Msg("8", "prompts/get").param("name", "\"test_prompt_with_arguments\"")
                .param("arguments", "{\"arg1\":\"a\",\"arg2\":\"b\"}"));
        t.add(new Msg("9", "resources/read").param("uri", "\"test://static-text\""));
        t.add(new Msg("10", "resources/subscribe").param("uri", "\"test://watched-resource\""));
        t.add(new Msg("11", "completion/complete").param("ref", "{\"type\":\"ref/prompt\",\"name\":\"test_prompt_with_arguments\"}")
                .param("argument", "{\"name\":\"arg1\",\"value\":\"pa\"}"));
        t.add(new Msg(null, "notifications/cancelled").param("requestId", "1").param("reason", "\"fuzz\""));
        t.add(new Msg(null, "notifications/initialized"));
        Msg response = new Msg("\"srv-1\"", null);
        response.top.put("result", "{}");
        t.add(response);
        return t;
    }

    private static final String DIGITS_300 = "1" + "0".repeat(300);

    /** Literals of every JSON type, each wrong for most fields. */
    private static List<String> hostileValues() {
        return List.of("null", "true", "false", "0", "-1", "1.5", "-0.0", "1e400", "-1e400", "1e-400", DIGITS_300,
                "-" + DIGITS_300, "\"\"", "\" \"", "\"x\"", "\"2.0 \"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"",
                str("\u202Eevil\u202C"), str("zero\u200Bwidth\uFEFF"), str("emoji \uD83D\uDE00\uD83D\uDC4D\uD83C\uDFFD"),
                str("a".repeat(300)), str("b".repeat(257)), str("c".repeat(256)), "[]", "[null]", "[1,\"a\",{}]", "{}",
                "{\"a\":{\"b\":[]}}", "{\"__proto__\":{\"x\":1}}", str("line\u2028sep"), str("../../etc/passwd"),
                str("%s%n%x"), str("' OR 1=1 --"));
    }

    static List<Body> generate() {
        Random random = new Random(SEED);
        List<Body> bodies = new ArrayList<>();
        List<Msg> templates = templates();
        List<String> hostile = hostileValues();

        // 1. wrong types for every field of every template (top level and params), plus the field missing
        String[] keyTopFields = {"jsonrpc", "id", "method", "params"};
        String[] keyParams = {"name", "arguments", "cursor", "level", "protocolVersion", "capabilities", "uri",
                "requestId", "_meta"};
        for (String field : keyTopFields) {
            for (String value : hostile) {
                Msg base = templates.get(random.nextInt(templates.size())).copy();
                base.top.put(field, value);
                bodies.add(Body.of("top " + field + "=" + abbreviate(value), base.render()));
            }
        }
        for (String field : keyParams) {
            for (Msg template : templates) {
                if (!template.params.containsKey(field)) {
                    continue;
                }
                for (int i = 0; i < 6; i++) {
                    String value = hostile.get(random.nextInt(hostile.size()));
                    Msg m = template.copy();
                    m.param(field, value);
                    bodies.add(Body.of(template.top.get("method") + " params." + field + "=" + abbreviate(value), m.render()));
                }
                Msg missing = template.copy();
                missing.params.remove(field);
                bodies.add(Body.of(template.top.get("method") + " without params." + field, missing.render()));
            }
        }
        for (String field : new String[] {"protocolVersion", "_meta.progressToken", "arguments.name"}) {
            for (int i = 0; i < 6; i++) {
                String value = hostile.get(random.nextInt(hostile.size()));
                Msg m = switch (field) {
                    case "protocolVersion" -> templates.get(0).copy().param("protocolVersion", value);
                    case "_meta.progressToken" -> templates.get(3).copy().param("_meta", "{\"progressToken\":" + value + "}");
                    default -> templates.get(5).copy().param("arguments", "{\"name\":" + value + "}");
                };
                bodies.add(Body.of(field + "=" + abbreviate(value), m.render()));
            }
        }

        // 2. huge and odd ids
        for (String id : List.of("1e400", DIGITS_300, "-" + DIGITS_300, "9223372036854775808", "-9223372036854775809",
                "1.0", "1E2", "0x10", "01", str("i".repeat(300)), str("i".repeat(100_000 / 2)))) {
            bodies.add(Body.of("id " + abbreviate(id), "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"));
        }

        // 3. truncated and garbled versions of valid messages
        for (int i = 0; i < 60; i++) {
            String valid = templates.get(random.nextInt(templates.size())).render();
            bodies.add(Body.of("truncated", valid.substring(0, random.nextInt(valid.length()))));
        }
        String noise = "{}[]\",:\\0123456789.eE+-tfn \u0000\u00ff\u202e";
        for (int i = 0; i < 60; i++) {
            StringBuilder garbled = new StringBuilder(templates.get(random.nextInt(templates.size())).render());
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && garbled.length() > 0; e++) {
                int at = random.nextInt(garbled.length());
                char c = noise.charAt(random.nextInt(noise.length()));
                switch (random.nextInt(3)) {
                    case 0 -> garbled.setCharAt(at, c);
                    case 1 -> garbled.insert(at, c);
                    default -> garbled.deleteCharAt(at);
                }
            }
            bodies.add(Body.of("garbled", garbled.toString()));
        }

        // 4. deep nesting, at the top and inside params
        for (int depth : new int[] {999, 1001, 5000}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            bodies.add(Body.of("arrays depth " + depth, arrays));
            bodies.add(Body.of("objects depth " + depth, objects));
            bodies.add(Body.of("ping params depth " + depth,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":" + arrays + "}}"));
            bodies.add(Body.of("tools/call arguments depth " + depth,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"test_simple_text\",\"arguments\":"
                            + objects + "}}"));
            bodies.add(Body.of("json schema tool arguments depth " + depth,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"json_schema_2020_12_tool\","
                            + "\"arguments\":{\"address\":" + objects + "}}}"));
        }

        // 5. batches
        String ping = templates.get(1).render();
        String init = templates.get(0).render();
        for (String batch : List.of("[]", "[" + ping + "]", "[" + init + "]", "[" + ping + "," + ping + "]", "[[]]", "[1,2,3]",
                "[" + init + "," + ping + "]", "[null]", "[{}]")) {
            bodies.add(Body.of("batch", batch));
        }

        // 6. unicode everywhere: RTL overrides, lone surrogates, zero-width, emoji, BOM, UTF-16
        String[] unicode = {"\u202Eping", "pi\u200Bng", "ping\u0000", "\uD83D\uDE00", "\u0000", "\uFEFFping", "p\u0301ing",
                "tools/call\u202E", "\uFFFF", "\uD800", "\uDC00x"};
        for (String u : unicode) {
            bodies.add(Body.of("unicode method", new Msg("1", u).render()));
            bodies.add(Body.of("unicode tool name", new Msg("1", "tools/call").param("name", str(u)).render()));
            bodies.add(Body.of("unicode id", "{\"jsonrpc\":\"2.0\",\"id\":" + str(u) + ",\"method\":\"ping\"}"));
            bodies.add(Body.of("unicode uri", new Msg("1", "resources/read").param("uri", str("test://" + u)).render()));
        }
        bodies.add(Body.of("escaped lone surrogate method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\\ud800\"}"));
        bodies.add(Body.of("escaped NUL method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\\u0000\"}"));
        bodies.add(Body.of("escaped NUL key", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"\\u0000\":1}"));
        bodies.add(new Body("BOM then ping", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, ping.getBytes(StandardCharsets.UTF_8))));
        bodies.add(new Body("UTF-16 ping", ping.getBytes(StandardCharsets.UTF_16)));
        bodies.add(new Body("UTF-32-ish ping", ping.getBytes(java.nio.charset.Charset.forName("UTF-32"))));
        bodies.add(new Body("CESU lone surrogate bytes", concat("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}".getBytes(StandardCharsets.UTF_8))));
        bodies.add(new Body("overlong UTF-8 slash", concat("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC0, (byte) 0xAF}, "list\"}".getBytes(StandardCharsets.UTF_8))));

        // 7. NUL bytes on the wire
        bodies.add(new Body("raw NUL in string", ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\u0000ng\"}").getBytes(StandardCharsets.UTF_8)));
        bodies.add(new Body("raw NUL before", concat(new byte[] {0}, ping.getBytes(StandardCharsets.UTF_8))));
        bodies.add(new Body("raw NUL after", concat(ping.getBytes(StandardCharsets.UTF_8), new byte[] {0})));
        bodies.add(new Body("only NULs", new byte[64]));

        // 8. very long method names and other oversized strings
        for (int length : new int[] {1_000, 30_000, 65_000, 70_000}) {
            bodies.add(Body.of("method length " + length, new Msg("1", "m".repeat(length)).render()));
            bodies.add(Body.of("tool name length " + length, new Msg("1", "tools/call").param("name", str("n".repeat(length))).render()));
        }
        bodies.add(Body.of("many keys", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{"
                + String.join(",", java.util.stream.IntStream.range(0, 3000).mapToObj(i -> "\"k" + i + "\":" + i).toList()) + "}}"));

        // 9. JSON that lenient parsers accept and strict ones refuse, duplicate keys
        for (String odd : List.of("{'jsonrpc':'2.0','id':1,'method':'ping'}", "{jsonrpc:\"2.0\",id:1,method:\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",}", "{\"jsonrpc\":\"2.0\",\"id\":NaN,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":Infinity,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",/*c*/\"id\":1,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"method\":\"tools/call\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":{},\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{},\"params\":[]}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"result\":{},\"error\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"not an object\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}", "{\"jsonrpc\":\"2.0\"}", "{}", "\"\"", "0", "-", "+1", "nul",
                "\t\r\n ", "\u00a0")) {
            bodies.add(Body.of("odd " + abbreviate(odd), odd));
        }

        // 10. random bytes, and random printable soup
        for (int i = 0; i < 40; i++) {
            byte[] bytes = new byte[1 + random.nextInt(2_000)];
            random.nextBytes(bytes);
            if (i % 4 == 0) {
                bytes[0] = '{';
            }
            bodies.add(new Body("random bytes " + i, bytes));
        }
        for (int i = 0; i < 20; i++) {
            StringBuilder soup = new StringBuilder();
            int length = 1 + random.nextInt(500);
            for (int c = 0; c < length; c++) {
                soup.append(noise.charAt(random.nextInt(noise.length())));
            }
            bodies.add(Body.of("soup " + i, soup.toString()));
        }

        // inputs that would make an echoed message look like a leak prove nothing: leave them out
        bodies.removeIf(b -> containsLeakWord(new String(b.bytes(), StandardCharsets.ISO_8859_1))
                || containsLeakWord(new String(b.bytes(), StandardCharsets.UTF_8)));
        return bodies;
    }

    private static boolean containsLeakWord(String text) {
        return LEAKS.stream().anyMatch(text::contains);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    // ------------------------------------------------------------------------------------------- the test

    private HttpResponse<String> postBytes(byte[] body, String session) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(mcpUri()).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void generatorIsDeterministicAndLargeEnough() {
        List<Body> first = generate();
        List<Body> second = generate();
        assertThat(first).hasSizeGreaterThanOrEqualTo(MIN_BODIES);
        assertThat(first).hasSameSizeAs(second);
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.get(i).bytes()).isEqualTo(second.get(i).bytes());
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void hostileBodiesNeverBreakTheGateway() throws Exception {
        List<Body> bodies = generate();
        assertThat(bodies).hasSizeGreaterThanOrEqualTo(MIN_BODIES);

        Map<Integer, Integer> histogram = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int sentBodies = 0;
        int requests = 0;
        String session = initialize();
        long sessionTouched = System.nanoTime();

        for (Body body : bodies) {
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            // keep the session alive: refused bodies never reach the session check, so they do not touch it
            if (System.nanoTime() - sessionTouched > Duration.ofSeconds(2).toNanos()) {
                if (send(inSession(session, "{\"jsonrpc\":\"2.0\",\"id\":\"keepalive\",\"method\":\"ping\"}").build())
                        .statusCode() != 200) {
                    session = initialize();
                }
                sessionTouched = System.nanoTime();
            }
            for (String target : new String[] {null, session}) {
                String where = (target == null ? "no session" : "in session") + " / " + body.label();
                HttpResponse<String> response;
                try {
                    response = postBytes(body.bytes(), target);
                } catch (IOException e) {
                    violations.add(where + ": I/O failure " + e);
                    continue;
                } finally {
                    requests++;
                }
                histogram.merge(response.statusCode(), 1, Integer::sum);
                check(where, response, violations);
            }
            sentBodies++;
        }

        System.out.printf("MalformedInputFuzzTest: %d bodies generated, %d sent (%d requests), statuses %s%n",
                bodies.size(), sentBodies, requests, histogram);
        assertThat(violations).as("violations").isEmpty();
        assertThat(sentBodies).as("bodies sent within %s", BUDGET).isGreaterThanOrEqualTo(MIN_BODIES);
        assertThat(histogram.keySet()).as("the barrage reached both refusals and served requests").contains(200, 400);

        // the gateway still serves a normal client
        String fresh = initialize();
        HttpResponse<String> ping = send(inSession(fresh, "{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"ping\"}").build());
        assertThat(ping.statusCode()).isEqualTo(200);
        JsonNode answer = json(ping.body());
        assertThat(answer.path("id").asText()).isEqualTo("after");
        assertThat(answer.has("result")).isTrue();
    }

    private static void check(String where, HttpResponse<String> response, List<String> violations) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        String excerpt = abbreviate(body.replace('\n', ' '));
        if (status >= 500) {
            violations.add(where + ": status " + status + " " + excerpt);
        }
        for (String leak : LEAKS) {
            if (body.contains(leak)) {
                violations.add(where + ": body contains '" + leak.replace("\t", "\\t") + "': " + body);
            }
        }
        boolean jsonType = response.headers().firstValue("Content-Type")
                .map(ct -> TransportGuard.mediaType(ct).equals("application/json")).orElse(false);
        if (!jsonType || body.isEmpty()) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            violations.add(where + ": application/json body is not JSON: " + excerpt);
            return;
        }
        if (!node.isObject() || !"2.0".equals(node.path("jsonrpc").asText(null)) || !node.has("id")) {
            violations.add(where + ": not a JSON-RPC message: " + excerpt);
            return;
        }
        boolean hasResult = node.has("result");
        boolean hasError = node.has("error");
        if (hasResult == hasError) {
            violations.add(where + ": needs exactly one of result and error: " + excerpt);
        }
        if (hasError && (!node.path("error").path("code").isInt() || !node.path("error").path("message").isTextual())) {
            violations.add(where + ": malformed error object: " + excerpt);
        }
        if (node.path("error").path("code").asInt() == JsonRpcErrors.INTERNAL_ERROR) {
            violations.add(where + ": an unexpected failure inside the gateway (-32603): " + excerpt);
        }
        if (status != 200 && (!hasError || !node.get("id").isNull())) {
            violations.add(where + ": an HTTP " + status + " must carry a JSON-RPC error without id: " + excerpt);
        }
    }
}
