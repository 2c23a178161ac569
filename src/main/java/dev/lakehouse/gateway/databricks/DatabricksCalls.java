package dev.lakehouse.gateway.databricks;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.ratelimit.RetryAfter;
import dev.lakehouse.gateway.ratelimit.UpstreamGuard;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.util.ObjectHelper;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Steps 9 and 11 of the pipeline around the camel-http call of route {@code databricks-call}: build the request
 * from the variables a tool route set ({@code dbMethod}, {@code dbPath}, {@code dbQuery}, {@code dbBody}), read the
 * response, let the upstream guard learn from it (a 429 pauses the key; an absorbed call is tried again after the
 * pause), decide whether to retry otherwise (a 503 or no answer to a GET, a revoked cached token), and turn failures
 * into errors the model can act on. Response bodies are parsed, never logged.
 */
@Component("databricksCalls")
public class DatabricksCalls implements HttpClientConfigurer {

    private static final Logger LOG = LoggerFactory.getLogger(DatabricksCalls.class);

    /** Variable: extra request headers of one call (a Map, e.g. Range of a file read). */
    public static final String HEADERS = "dbHeaders";
    /** Variable: true when the answer is bytes, not JSON (a file download); they land in {@link #RESPONSE_BYTES}. */
    public static final String RAW = "dbRaw";
    /** Variable: the bytes of a raw answer; only for the step that renders them, never logged or stored. */
    public static final String RESPONSE_BYTES = "dbResponseBytes";
    /** Response headers a raw answer is described by (read before the headers are dropped). */
    private static final List<String> RAW_HEADERS = List.of("Content-Type", "Content-Length", "Content-Range",
            "Last-Modified");

    private final ObjectMapper mapper;
    private final DatabricksProperties properties;
    private final DatabricksTokens tokens;
    private final UpstreamGuard upstreamGuard;
    private final UpstreamRoutes upstreamRoutes;
    private final String userAgent;

    public DatabricksCalls(ObjectMapper mapper, DatabricksProperties properties, DatabricksTokens tokens,
            UpstreamGuard upstreamGuard, UpstreamRoutes upstreamRoutes, @Value("${gateway.mcp.server-version}") String version) {
        this.mapper = mapper;
        this.properties = properties;
        this.tokens = tokens;
        this.upstreamGuard = upstreamGuard;
        this.upstreamRoutes = upstreamRoutes;
        this.userAgent = "databricks-mcp-gateway/" + version;
    }

    /**
     * The camel-http client of route databricks-call: no automatic retries of its own. Apache HttpClient 5 would
     * otherwise re-send on 429/503 (sleeping out any Retry-After on the calling thread, however long) and on a
     * dropped connection, behind the route's back: twice the attempts, and max-retry-after ignored.
     */
    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.disableAutomaticRetries();
    }

    /**
     * The request of route {@code databricks-call}, as a tool route step sets it: method, path, query parameters,
     * JSON body, and a hint appended to error texts (each may be null).
     */
    public static void request(Exchange exchange, String method, String path, Map<String, Object> query, Object body,
            String hint) {
        exchange.setVariable("dbMethod", method);
        exchange.setVariable("dbPath", path);
        exchange.setVariable("dbQuery", query);
        exchange.setVariable("dbBody", body);
        exchange.setVariable("dbHint", hint);
        // what a declared REST tool may add to one call: none of it carries over to the next call of the exchange
        exchange.removeVariable(dev.lakehouse.gateway.ratelimit.ApiFamily.VARIABLE);
        exchange.removeVariable(HEADERS);
        exchange.removeVariable(RAW);
        exchange.removeVariable(RESPONSE_BYTES);
    }

    /** Before the first attempt: no deadline yet (the guard sets one per Databricks call), no retry delay. */
    public void begin(Exchange exchange) {
        exchange.setVariable("dbAttempt", 0);
        exchange.setVariable("dbRetry", true);
        exchange.setVariable("dbRetryDelayMs", 0L);
        exchange.removeVariable("dbDeadline");
    }

    /** Each attempt: the request from the variables, on a message whose headers were all removed. */
    public void prepare(Exchange exchange) throws IOException {
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        String method = exchange.getVariable("dbMethod", "GET", String.class);
        Message message = exchange.getMessage();
        // camel-http wants its own enum: given the String, it converted on every call through Camel's slowest
        // type-converter path (measured under load: a tenth of a list_catalogs call)
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
        message.setHeader(Exchange.HTTP_URI, connection.baseUrl() + exchange.getVariable("dbPath", String.class));
        String query = query(exchange.getVariable("dbQuery", Map.class));
        if (!query.isEmpty()) {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        boolean raw = exchange.getVariable(RAW, false, Boolean.class);
        message.setHeader("Accept", raw ? "*/*" : "application/json");
        message.setHeader("User-Agent", userAgent);
        Map<?, ?> extraHeaders = exchange.getVariable(HEADERS, Map.class);
        if (extraHeaders != null) {
            extraHeaders.forEach((name, value) -> message.setHeader(String.valueOf(name), value));
        }
        Object body = exchange.getVariable("dbBody");
        if ("GET".equals(method) || body == null && !"POST".equals(method)) {
            message.setBody(null);
        } else {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(mapper.writeValueAsString(body == null ? Map.of() : body));
        }
        exchange.setVariable("dbAttempt", exchange.getVariable("dbAttempt", 0, Integer.class) + 1);
    }

    private static String query(Map<?, ?> parameters) {
        if (parameters == null) {
            return "";
        }
        StringJoiner query = new StringJoiner("&");
        parameters.forEach((key, value) -> {
            if (value != null) {
                query.add(encode(String.valueOf(key)) + "=" + encode(String.valueOf(value)));
            }
        });
        return query.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Inside the workspace's circuit breaker, right after the HTTP call: a 5xx answer is a failure the breaker counts
     * (as are the connection failures the HTTP client throws); every other answer, 429 included, is not (rate limits
     * are the upstream guard's). Databricks' SCIM API sometimes wraps REQUEST_LIMIT_EXCEEDED in a 500: that is a 429.
     */
    public void raiseOnServerError(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 500) {
            String text = message.getBody(String.class);
            text = text == null ? "" : text;
            if (text.contains("REQUEST_LIMIT_EXCEEDED")) {
                message.setHeader(Exchange.HTTP_RESPONSE_CODE, 429);
                return;
            }
            throw new UpstreamServerException(status, text, message.getHeader("Retry-After", String.class));
        }
    }

    /** After each answered attempt (2xx-4xx): status and body into variables, and whether (and when) to try again. */
    public void inspect(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (exchange.getVariable(RAW, false, Boolean.class) && status >= 200 && status < 300) {
            // a download: the bytes as they came, and the headers that describe them (size, range, type, time)
            byte[] bytes = message.getBody(byte[].class);
            exchange.setVariable(RESPONSE_BYTES, bytes == null ? new byte[0] : bytes);
            ObjectNode described = mapper.createObjectNode();
            described.put("status", status);
            for (String name : RAW_HEADERS) {
                String value = message.getHeader(name, String.class);
                if (value != null) {
                    described.put(name.toLowerCase(java.util.Locale.ROOT).replace('-', '_'), value);
                }
            }
            answered(exchange, status, described.toString(), message.getHeader("Retry-After", String.class));
            return;
        }
        String text = message.getBody(String.class);
        answered(exchange, status, text == null ? "" : text, message.getHeader("Retry-After", String.class));
    }

    /** After an attempt the workspace answered with a 5xx (raised inside the breaker): a GET may try again. */
    public void serverError(Exchange exchange) {
        UpstreamServerException failure = ObjectHelper.getException(UpstreamServerException.class,
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        answered(exchange, failure.status(), failure.body(), failure.retryAfter());
    }

    private void answered(Exchange exchange, int status, String text, String retryAfterField) {
        exchange.setVariable("dbStatus", status);
        exchange.setVariable("dbResponseText", text);
        Long retryAfter = RetryAfter.seconds(retryAfterField, Clock.systemUTC());
        exchange.setVariable("dbRetryAfter", retryAfter);
        int attempt = exchange.getVariable("dbAttempt", 1, Integer.class);
        boolean retry = false;
        long delayMs = 0;
        // 11 rate limits: the key learns from every answer; a 429 pauses the whole key, and an absorbed call waits
        // for the end of the pause in the guard (no delay here), or is answered with when to come back
        boolean again = upstreamGuard.onAnswer(exchange, status, retryAfter);
        if (status == 429) {
            retry = again;
        } else if (status == 400 && QuotaSignals.isQuota(text)) {
            throw QuotaSignals.limited(exchange, text, retryAfter);
        } else if (status == 503 && isGet(exchange) && attempt < properties.maxAttempts()) {
            long wait = retryAfter == null ? 1 : retryAfter;
            if (wait <= properties.maxRetryAfter().toSeconds()) {
                retry = true;
                delayMs = wait * 1000;
            }
        } else if ((status == 401 || status == 403) && attempt == 1 && text.contains("Invalid access token")) {
            WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
            if ("oauth-m2m".equals(connection.auth()) || connection.fromVault() && !"pat".equals(connection.auth())) {
                // the cached token was revoked or expired early: fetch a fresh one once (unless a concurrent call
                // already replaced the token this attempt used); a dead grant then shows as the connection's status
                tokens.rejected(exchange, connection);
                retry = true;
            }
        }
        LOG.debug("databricks {} {} -> {} (attempt {}{})", exchange.getVariable("dbMethod"), exchange.getVariable("dbPath"),
                status, attempt, retry ? ", retrying" : "");
        exchange.setVariable("dbRetry", retry);
        exchange.setVariable("dbRetryDelayMs", delayMs);
    }

    /** The innermost cause's type and message: a wrapper (RuntimeCamelException) says nothing of what happened. */
    private static String describe(Throwable caught) {
        if (caught == null) {
            return "?";
        }
        Throwable root = caught;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static boolean isGet(Exchange exchange) {
        return "GET".equals(exchange.getVariable("dbMethod", "GET", String.class));
    }

    /** After an attempt that got no HTTP answer (refused, dropped, timed out): status 0, and a GET may try again. */
    public void unreachable(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempt = exchange.getVariable("dbAttempt", 1, Integer.class);
        boolean retry = isGet(exchange) && attempt < properties.maxAttempts()
                && !(caught instanceof java.io.InterruptedIOException);
        LOG.debug("databricks {} {} -> no answer: {} (attempt {}{})", exchange.getVariable("dbMethod"),
                exchange.getVariable("dbPath"), describe(caught), attempt,
                retry ? ", retrying" : "");
        upstreamGuard.onAnswer(exchange, 0, null);
        exchange.setVariable("dbStatus", 0);
        exchange.setVariable("dbResponseText", "");
        exchange.setVariable("dbRetryAfter", null);
        exchange.setVariable("dbRetry", retry);
        exchange.setVariable("dbRetryDelayMs", retry ? 200L : 0L);
    }

    /** The workspace's circuit breaker is open: the call is answered at once with when to try again. */
    public void breakerOpen(Exchange exchange) {
        upstreamGuard.onAnswer(exchange, 0, null);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        throw new ToolExecutionException("Databricks workspace '" + connection.name() + "' is failing (its recent calls "
                + "got server errors or no answer), so the gateway is not calling it for now. Try again in "
                + upstreamRoutes.openStateSeconds() + " s.");
    }

    /** Too many calls to this workspace are in flight at once (the bulkhead). */
    public void bulkheadFull(Exchange exchange) {
        upstreamGuard.onAnswer(exchange, 0, null);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        throw new ToolExecutionException("Too many calls to Databricks workspace '" + connection.name() + "' are in "
                + "flight at once; try again in a few seconds, or make fewer calls in parallel.");
    }

    /** Last step: the JSON of a 2xx answer as body (variable {@code dbResponse}), or a tool error with a hint. */
    public JsonNode result(Exchange exchange) throws IOException {
        int status = exchange.getVariable("dbStatus", 0, Integer.class);
        String text = exchange.getVariable("dbResponseText", "", String.class);
        if (status >= 200 && status < 300) {
            JsonNode json = mapper.readTree(text.isBlank() ? "{}" : text);
            exchange.setVariable("dbResponse", json);
            return json;
        }
        throw new ToolExecutionException(DatabricksErrors.describe(status, parseQuietly(text),
                exchange.getVariable("dbRetryAfter", Long.class), exchange.getVariable("connection", WorkspaceConnection.class),
                exchange.getVariable("dbHint", String.class)));
    }

    private JsonNode parseQuietly(String text) {
        try {
            return mapper.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }
}
