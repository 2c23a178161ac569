package dev.lakehouse.gateway.ratelimit;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Inbound quotas at the MCP edge (pipeline step 6): requests per second per tenant and per agent, as token buckets.
 *
 * @param tenant  every tenant's quota unless it has its own
 * @param agent   every agent's quota (an agent: a token's subject, or a scoped URL) unless its tenant sets one
 * @param tenants per tenant: its own rate and burst, and those of each of its agents
 */
@ConfigurationProperties(prefix = "gateway.quota")
public record QuotaProperties(Limit tenant, Limit agent, Map<String, TenantQuota> tenants) {

    /** @param rate requests per second; 0 or less: unlimited. @param burst requests that may come at once */
    public record Limit(double rate, long burst) {
    }

    public record TenantQuota(Double rate, Long burst, Double agentRate, Long agentBurst) {
    }

    public QuotaProperties {
        tenant = tenant == null ? new Limit(0, 0) : tenant;
        agent = agent == null ? new Limit(0, 0) : agent;
        tenants = tenants == null ? Map.of() : tenants;
    }

    Limit tenantLimit(String name) {
        TenantQuota own = tenants.get(name);
        return own == null ? tenant : new Limit(own.rate() != null ? own.rate() : tenant.rate(),
                own.burst() != null ? own.burst() : tenant.burst());
    }

    Limit agentLimit(String tenantName) {
        TenantQuota own = tenants.get(tenantName);
        return own == null ? agent : new Limit(own.agentRate() != null ? own.agentRate() : agent.rate(),
                own.agentBurst() != null ? own.agentBurst() : agent.burst());
    }
}
