package dev.lakehouse.gateway.ops;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The vault's grants by tenant and status ({@code gateway.vault.grants}: active, expiring, needs_reauth, revoked...),
 * counted in the gateway database every {@code gateway.observability.vault-metrics-every} (not per scrape: a scrape
 * must not cost a query). With the refresh counter ({@code gateway.vault.token.refreshes}, by tenant and outcome) an
 * operator sees a tenant's grants die before its agents call.
 */
@Component
public class VaultMetrics implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(VaultMetrics.class);

    private final JdbcTemplate jdbc;
    private final MultiGauge grants;
    private final ScheduledExecutorService counter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vault-metrics");
        t.setDaemon(true);
        return t;
    });

    public VaultMetrics(JdbcTemplate jdbc, MeterRegistry registry,
            @Value("${gateway.observability.vault-metrics-every}") java.time.Duration every) {
        this.jdbc = jdbc;
        this.grants = MultiGauge.builder("gateway.vault.grants")
                .description("workspace grants in the vault by tenant and status").register(registry);
        long seconds = Math.max(1, every.toSeconds());
        counter.scheduleWithFixedDelay(this::count, 0, seconds, TimeUnit.SECONDS);
    }

    void count() {
        try {
            List<MultiGauge.Row<?>> rows = jdbc.query("SELECT c.tenant, g.status, COUNT(*) AS n FROM vault_grants g "
                    + "JOIN vault_connections c ON c.id = g.connection_id GROUP BY c.tenant, g.status",
                    (rs, i) -> MultiGauge.Row.of(Tags.of("tenant", rs.getString("tenant"), "status",
                            rs.getString("status").toLowerCase(java.util.Locale.ROOT)), rs.getLong("n")));
            grants.register(rows, true);
        } catch (RuntimeException e) {
            LOG.debug("vault grants not counted: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        counter.shutdownNow();
    }
}
