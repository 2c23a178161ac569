package dev.lakehouse.gateway.ops;

import java.time.Duration;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Traces, off by default: with {@code camel.opentelemetry.enabled=true}, Camel's OpenTelemetry tracer (the
 * camel-opentelemetry starter) makes a span of every route and, with {@code camel.opentelemetry.trace-processors},
 * of every step; this SDK exports them by OTLP/HTTP to {@code gateway.tracing.otlp-endpoint} in batches. Spans carry
 * route ids, endpoints without secrets, and the tool call's tenant, tool, group, connection and workspace (set by
 * {@link ToolCallRecorder}); never message bodies.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "camel.opentelemetry.enabled", havingValue = "true")
public class TracingConfiguration {

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk gatewayOpenTelemetry(@Value("${gateway.tracing.otlp-endpoint}") String endpoint,
            @Value("${gateway.tracing.export-delay}") Duration exportDelay,
            @Value("${spring.application.name:databricks-mcp-gateway}") String serviceName) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), serviceName))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(exportDelay).build())
                .build();
        return OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    }

    /** The tracer Camel's OpenTelemetry starter picks up (it otherwise falls back to the global, no-op, one). */
    @Bean
    Tracer gatewayTracer(OpenTelemetrySdk openTelemetry) {
        return openTelemetry.getTracer("dev.lakehouse.gateway");
    }

    @Bean
    ContextPropagators gatewayPropagators(OpenTelemetrySdk openTelemetry) {
        return openTelemetry.getPropagators();
    }
}
