package dev.lakehouse.gateway.databricks;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Knobs of the calls to Databricks; each is set and commented in application.properties. */
@ConfigurationProperties(prefix = "gateway.databricks")
public record DatabricksProperties(
        Duration connectTimeout,
        Duration responseTimeout,
        Duration tokenRefreshMargin,
        int maxAttempts,
        Duration maxRetryAfter,
        int defaultPageSize,
        int maxPageSize,
        Sql sql) {

    /** The SQL pipeline: submit, poll, fetch, cap. */
    public record Sql(
            Duration submitWait,
            Duration pollInitialDelay,
            Duration pollMaxDelay,
            double pollBackoff,
            int defaultTimeoutSeconds,
            int maxTimeoutSeconds,
            int defaultRowLimit,
            int maxRowLimit,
            int maxResultBytes,
            long upstreamRowLimit) {
    }
}
