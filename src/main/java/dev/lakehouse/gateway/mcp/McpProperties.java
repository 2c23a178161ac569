package dev.lakehouse.gateway.mcp;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Transport knobs of the MCP endpoint. Every value is set (and commented) in application.properties.
 */
@ConfigurationProperties(prefix = "gateway.mcp")
public record McpProperties(
        List<String> allowedOrigins,
        List<String> allowedHosts,
        long maxBodyBytes,
        Duration sessionIdleTimeout,
        int maxSessions,
        Duration heartbeatInterval,
        Duration sseRetry,
        Duration getStreamMaxLifetime,
        Duration streamResumeWindow,
        int streamBufferEvents,
        Duration streamRelayTimeout,
        Duration clientRequestTimeout,
        int toolsPageSize,
        String serverName,
        String serverVersion,
        String instructions,
        Duration listCacheTtl) {
}
