package dev.lakehouse.gateway.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.gateway.mcp.InputRequiredException;
import dev.lakehouse.gateway.mcp.JsonRpcException;
import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.mcp.McpTransportException;
import dev.lakehouse.gateway.mcp.MissingClientCapabilityException;
import dev.lakehouse.gateway.ratelimit.RateLimitState;
import dev.lakehouse.gateway.ratelimit.UpstreamGovernor;
import dev.lakehouse.gateway.ratelimit.UpstreamGuard;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.tools.ToolDefinition;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.modelcontextprotocol.spec.McpSchema;
import org.apache.camel.Exchange;
import org.apache.camel.tracing.ActiveSpanManager;
import org.apache.camel.tracing.SpanAdapter;
import org.springframework.stereotype.Component;

/**
 * The last step of every tools/call (route mcp-tools-call, in its doFinally): what happened, measured and recorded,
 * never what was said. One sample of {@code gateway.tool.calls} (tenant, tool, group, outcome; latency histogram),
 * the rows and bytes the agent got ({@code gateway.tool.result.rows|bytes}), and one {@link AuditEvent}.
 * <p>
 * Outcomes: {@code ok}; {@code error} (an isError result: a tool error the model can act on); {@code rate_limited}
 * (a rate limit answered the call); {@code input_required} (a 2026-07-28 round that asks the client); {@code
 * rejected} (a protocol error: unknown tool, bad headers, missing capability); {@code cancelled}; {@code failed}
 * (an unexpected failure, logged under the request id).
 */
@Component("toolCallRecorder")
public class ToolCallRecorder {

    private final MeterRegistry registry;
    private final AuditTrail audit;
    private final ObservabilityProperties properties;
    private final ObjectMapper mapper;
    private final Map<CallKey, Timer> meters = new ConcurrentHashMap<>();
    private final Map<ResultKey, ResultMeters> resultMeters = new ConcurrentHashMap<>();

    public ToolCallRecorder(MeterRegistry registry, AuditTrail audit, ObservabilityProperties properties,
            ObjectMapper mapper) {
        this.registry = registry;
        this.audit = audit;
        this.properties = properties;
        this.mapper = mapper;
    }

    public void record(Exchange exchange) {
        long durationNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0,
                System.currentTimeMillis() - exchange.getClock().getCreated()));
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        Object result = exchange.getMessage().getBody();
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean isResult = isToolResult(result);
        String outcome = outcome(exchange, isResult ? isError(result) : null, caught);
        String errorClass = "ok".equals(outcome) || caught == null ? null : caught.getClass().getSimpleName();
        String tenant = exchange.getVariable("tenant", "unknown", String.class);
        String toolName = tool == null ? "unknown" : tool.name();
        String group = tool == null ? "none" : tool.group();
        Long bytes = isResult ? bytesOf(result) : null;
        Long rows = isResult ? rowsOf(exchange, result) : null;
        String workspace = connection == null ? null : UpstreamGovernor.hostOf(connection.baseUrl());

        String subject = properties.subjectLabel() ? exchange.getVariable("subject", "unknown", String.class) : null;
        meters.computeIfAbsent(new CallKey(tenant, toolName, group, outcome, subject), this::callTimer)
                .record(durationNanos, TimeUnit.NANOSECONDS);
        if (rows != null || bytes != null) {
            ResultMeters sizes = resultMeters.computeIfAbsent(new ResultKey(tenant, toolName), this::resultMeters);
            if (rows != null) {
                sizes.rows().record(rows);
            }
            if (bytes != null) {
                sizes.bytes().record(bytes);
            }
        }

        // the trace of the call (when tracing is on): who and what as span attributes, never the payload
        SpanAdapter span = ActiveSpanManager.getSpan(exchange);
        if (span != null) {
            span.setTag("gateway.tenant", tenant);
            span.setTag("gateway.tool", toolName);
            span.setTag("gateway.tool.group", group);
            span.setTag("gateway.outcome", outcome);
            if (connection != null) {
                span.setTag("gateway.connection", connection.name());
                span.setTag("gateway.workspace", workspace);
            }
        }

        String sql = "execute_sql".equals(toolName) ? argument(exchange, "statement") : null;
        audit.record(new AuditEvent(Instant.now(), RequestIds.of(exchange), tenant,
                exchange.getVariable("subject", String.class), exchange.getVariable("client", String.class), "tool",
                tool == null ? truncate(requestedName(exchange), 128) : toolName, tool == null ? null : group,
                connection == null ? null : connection.name(),
                workspace, outcome, errorClass,
                TimeUnit.NANOSECONDS.toMillis(durationNanos), rows, bytes,
                exchange.getVariable("sqlStatementId", String.class),
                sql != null && properties.auditSql() != ObservabilityProperties.SqlInAudit.OFF ? sha256(sql) : null,
                sql != null && properties.auditSql() == ObservabilityProperties.SqlInAudit.TEXT ? sql : null));
    }

    /** The labels of one tool-call timer; meters are looked up here, not built per call (a registration is costly). */
    private record CallKey(String tenant, String tool, String group, String outcome, String subject) {
    }

    private record ResultKey(String tenant, String tool) {
    }

    private record ResultMeters(DistributionSummary rows, DistributionSummary bytes) {
    }

    private Timer callTimer(CallKey key) {
        Tags tags = Tags.of("tenant", key.tenant(), "tool", key.tool(), "group", key.group(), "outcome", key.outcome());
        if (key.subject() != null) {
            tags = tags.and("subject", key.subject());
        }
        return Timer.builder("gateway.tool.calls").description("MCP tool calls by tenant, tool, group and outcome")
                .tags(tags).publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
    }

    private ResultMeters resultMeters(ResultKey key) {
        Tags tags = Tags.of("tenant", key.tenant(), "tool", key.tool());
        return new ResultMeters(
                DistributionSummary.builder("gateway.tool.result.rows").description("rows a tool call returned")
                        .tags(tags).register(registry),
                DistributionSummary.builder("gateway.tool.result.bytes").description("bytes of a tool call's result")
                        .baseUnit("bytes").tags(tags).register(registry));
    }

    private static String outcome(Exchange exchange, Boolean isError, Throwable caught) {
        RateLimitState limits = exchange.getVariable(UpstreamGuard.STATE, RateLimitState.class);
        McpCall call = exchange.getVariable("mcpCall", McpCall.class);
        if (call != null && call.isCancelled()) {
            return "cancelled";
        }
        if (limits != null && limits.limited()) {
            return "rate_limited";
        }
        if (isError != null) {
            return isError ? "error" : "ok";
        }
        if (caught instanceof InputRequiredException) {
            return "input_required";
        }
        if (caught instanceof JsonRpcException || caught instanceof McpTransportException
                || caught instanceof MissingClientCapabilityException) {
            return "rejected";
        }
        return caught == null ? "ok" : "failed";
    }

    private static boolean isToolResult(Object body) {
        return body instanceof McpSchema.CallToolResult
                || body instanceof Map<?, ?> map && map.containsKey("isError") && map.containsKey("content");
    }

    private static boolean isError(Object result) {
        if (result instanceof McpSchema.CallToolResult ready) {
            return Boolean.TRUE.equals(ready.isError());
        }
        return Boolean.TRUE.equals(((Map<?, ?>) result).get("isError"));
    }

    /** The result's size as the agent receives it (JSON), counted while serializing, nothing kept. */
    private Long bytesOf(Object result) {
        CountingStream counter = new CountingStream();
        try {
            mapper.writeValue(counter, result);
            return counter.count;
        } catch (IOException e) {
            return null;
        }
    }

    /** Rows of a SQL result (the page returned), or the items of a listing tool; null when the tool has neither. */
    private static Long rowsOf(Exchange exchange, Object result) {
        List<?> sqlRows = exchange.getVariable("sqlRows", List.class);
        if (sqlRows != null) {
            return (long) sqlRows.size();
        }
        String items = exchange.getVariable("resultItems", String.class);
        if (items != null && result instanceof Map<?, ?> map && map.get("structuredContent") instanceof JsonNode structured
                && structured.path(items).isArray()) {
            return (long) structured.path(items).size();
        }
        return null;
    }

    private static String argument(Exchange exchange, String name) {
        Object arguments = exchange.getVariable("toolArguments");
        if (arguments instanceof Map<?, ?> map && map.get(name) instanceof String text) {
            return text;
        }
        if (arguments instanceof JsonNode node && node.path(name).isTextual()) {
            return node.path(name).asText();
        }
        return null;
    }

    private static String requestedName(Exchange exchange) {
        Object message = exchange.getVariable("mcpMessage");
        if (message instanceof dev.lakehouse.gateway.mcp.IncomingMessage incoming && incoming.params() != null) {
            return incoming.params().path("name").asText("unknown");
        }
        return "unknown";
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
