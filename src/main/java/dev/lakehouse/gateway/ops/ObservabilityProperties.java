package dev.lakehouse.gateway.ops;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Metrics and audit knobs; every value is set (and commented) in application.properties. */
@ConfigurationProperties(prefix = "gateway.observability")
public record ObservabilityProperties(
        boolean auditEnabled,
        Duration auditRetention,
        SqlInAudit auditSql,
        int auditQueueCapacity,
        Duration auditWriteInterval,
        boolean auditLog,
        boolean subjectLabel) {

    /** What of a statement's SQL text the audit record keeps. */
    public enum SqlInAudit { OFF, HASH, TEXT }
}
