package dev.lakehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import dev.lakehouse.gateway.cluster.SharedBuckets;
import dev.lakehouse.gateway.cluster.SharedTokens;
import dev.lakehouse.gateway.mcp.JsonRpcErrors;
import dev.lakehouse.gateway.mcp.McpTransportException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Step 6 of the pipeline: inbound quotas at the MCP edge, per tenant and per agent (the caller: a token's subject
 * or a scoped URL), as Bucket4j token buckets. A request over either quota is refused at once, before any work:
 * HTTP 429 with Retry-After, the RateLimit fields of the exhausted quota, and a JSON-RPC error (no echo of the
 * request). Buckets are separate per tenant, so one tenant's flood never delays another's requests.
 */
@Component("inboundQuota")
public class InboundQuota {

    private static final long SECOND = 1_000_000_000L;
    /** Above this many buckets, idle (full) ones are dropped: they would be made again, full, on the next request. */
    private static final int MAX_BUCKETS = 10_000;

    private final QuotaProperties properties;
    private final Map<String, SharedTokens> buckets = new ConcurrentHashMap<>();
    private final SharedBuckets shared;

    public InboundQuota(QuotaProperties properties, SharedBuckets shared) {
        this.properties = properties;
        this.shared = shared;
    }

    /** Counts one JSON-RPC request of the caller (variables tenant and caller); over quota → HTTP 429. */
    public void check(Exchange exchange) {
        String tenant = exchange.getVariable("tenant", String.class);
        String caller = exchange.getVariable("caller", String.class);
        if (tenant == null) {
            return;
        }
        QuotaProperties.Limit agentLimit = properties.agentLimit(tenant);
        QuotaProperties.Limit tenantLimit = properties.tenantLimit(tenant);
        SharedTokens agent = caller == null ? null : bucket("agent " + caller, agentLimit);
        SharedTokens whole = bucket("tenant " + tenant, tenantLimit);
        ConsumptionProbe agentProbe = agent == null ? null : agent.tryConsumeAndReturnRemaining();
        if (agentProbe != null && !agentProbe.isConsumed()) {
            throw refused("agent", agentLimit, agentProbe);
        }
        ConsumptionProbe tenantProbe = whole == null ? null : whole.tryConsumeAndReturnRemaining();
        if (tenantProbe != null && !tenantProbe.isConsumed()) {
            if (agent != null) {
                agent.addToken();   // the agent's request did not happen
            }
            throw refused("tenant", tenantLimit, tenantProbe);
        }
    }

    /**
     * The quota's bucket: shared by every replica when Redis is configured (key "quota:<who>", synchronized in batches
     * of gateway.cluster.quota-sync-interval), else this replica's.
     */
    private SharedTokens bucket(String key, QuotaProperties.Limit limit) {
        if (limit.rate() <= 0) {
            return null;
        }
        if (buckets.size() > MAX_BUCKETS) {
            // a full own bucket holds nothing worth keeping (a shared one lives on in Redis)
            buckets.values().removeIf(b -> b.ownAvailableTokens() >= Math.max(1, limit.burst()));
        }
        return buckets.computeIfAbsent(key, k -> {
            long capacity = Math.max(1, limit.burst());
            java.util.function.Supplier<BucketConfiguration> configuration = () -> BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(capacity)
                            .refillGreedy(Math.max(1, Math.round(limit.rate() * 1000)), Duration.ofSeconds(1000)).build())
                    .build();
            Bucket own = Bucket.builder().addLimit(configuration.get().getBandwidths()[0]).build();
            return SharedTokens.approximate(shared, "quota:" + k, own, configuration, limit.rate());
        });
    }

    private static McpTransportException refused(String who, QuotaProperties.Limit limit, ConsumptionProbe probe) {
        long retryAfter = Math.max(1, (probe.getNanosToWaitForRefill() + SECOND - 1) / SECOND);
        long window = RateLimitFields.windowSeconds(limit.rate());
        long quota = RateLimitFields.quota(limit.rate());
        Map<String, String> headers = RateLimitFields.headers("gateway-" + who, quota, window, 0, retryAfter, retryAfter);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("error", "rate_limited");
        data.put("quota", who);
        data.put("retry_after_seconds", retryAfter);
        data.put("limit", quota);
        return new McpTransportException(429, JsonRpcErrors.TRANSPORT_ERROR, "Too Many Requests: this " + who
                + "'s quota of " + quota + " requests per " + window + " s is used up; retry in " + retryAfter + " s",
                data, headers);
    }
}
