package dev.lakehouse.gateway.ratelimit;

import dev.lakehouse.gateway.support.GatewayTestBase;
import org.springframework.test.context.TestPropertySource;

/**
 * A gateway of its own for the rate-limit scenarios (Spring caches it for every class that extends this base): one
 * emulator workspace per scenario, so that each starts with fresh keys (the gateway keys its limiters by workspace
 * host), connections of tenant demo to them, a circuit breaker that opens quickly, and small inbound quotas for
 * tenants {@code tiny} and {@code tinier}.
 */
@TestPropertySource(properties = {
        // the calls of a storm need little data: small samples make the extra workspaces start fast
        "emulator.data.tpch-scale-factor=0.001",
        "emulator.data.nyctaxi-trips=100",
        "emulator.workspaces.stormknown.port=0",
        "emulator.workspaces.stormlearn.port=0",
        "emulator.workspaces.stormnora.port=0",
        "emulator.workspaces.stormw1.port=0",
        "emulator.workspaces.stormw2.port=0",
        "emulator.workspaces.stormpass.port=0",
        "emulator.workspaces.threads.port=0",
        "emulator.workspaces.breaker.port=0",
        // the limit is known by configuration (as the emulator will be set: 20 req/s, or -Dstorm.limit)
        "gateway.tenants.demo.connections.stormknown.host=emulator:stormknown",
        "gateway.tenants.demo.connections.stormknown.token=dapi-stormknown-emulator-pat",
        "gateway.tenants.demo.connections.stormknown.rate-limits.unity-catalog.rate=${storm.limit:20}",
        // the limit is learned: the family default (30 req/s) is above the workspace's 20
        "gateway.tenants.demo.connections.stormlearn.host=emulator:stormlearn",
        "gateway.tenants.demo.connections.stormlearn.token=dapi-stormlearn-emulator-pat",
        "gateway.tenants.demo.connections.stormnora.host=emulator:stormnora",
        "gateway.tenants.demo.connections.stormnora.token=dapi-stormnora-emulator-pat",
        // two workspaces with known limits: the storm on W1 must not slow W2
        "gateway.tenants.demo.connections.stormw1.host=emulator:stormw1",
        "gateway.tenants.demo.connections.stormw1.token=dapi-stormw1-emulator-pat",
        "gateway.tenants.demo.connections.stormw1.rate-limits.unity-catalog.rate=${storm.limit:20}",
        "gateway.tenants.demo.connections.stormw2.host=emulator:stormw2",
        "gateway.tenants.demo.connections.stormw2.token=dapi-stormw2-emulator-pat",
        "gateway.tenants.demo.connections.stormw2.rate-limits.unity-catalog.rate=${storm.limit:20}",
        "gateway.tenants.demo.connections.stormpass.host=emulator:stormpass",
        "gateway.tenants.demo.connections.stormpass.token=dapi-stormpass-emulator-pat",
        "gateway.tenants.demo.connections.stormpass.rate-limit-policy=passthrough",
        "gateway.tenants.demo.connections.stormpass.rate-limits.unity-catalog.rate=${storm.limit:20}",
        // a slow key for the thread test: 50 req/s known
        "gateway.tenants.demo.connections.threads.host=emulator:threads",
        "gateway.tenants.demo.connections.threads.token=dapi-threads-emulator-pat",
        "gateway.tenants.demo.connections.threads.rate-limits.unity-catalog.rate=50",
        "gateway.tenants.demo.connections.breaker.host=emulator:breaker",
        "gateway.tenants.demo.connections.breaker.token=dapi-breaker-emulator-pat",
        "gateway.tenants.demo.connections.breaker.exposure.jobs=on",
        // a workspace of its own for the bulkhead, fast enough that the bulkhead, not the pacing, holds 70 slow calls back
        "emulator.workspaces.bulkhead.port=0",
        "gateway.tenants.demo.connections.bulkhead.host=emulator:bulkhead",
        "gateway.tenants.demo.connections.bulkhead.token=dapi-bulkhead-emulator-pat",
        "gateway.tenants.demo.connections.bulkhead.rate-limits.unity-catalog.rate=200",
        // storms take ~10 s: the calls may wait that long
        "gateway.ratelimit.max-queue-wait=30s",
        // a breaker that opens after 4 calls of which half failed, and probes again after 2 s
        "gateway.upstream.breaker.minimum-number-of-calls=4",
        "gateway.upstream.breaker.sliding-window-size=4",
        "gateway.upstream.breaker.wait-in-open-state-seconds=2",
        "gateway.upstream.breaker.half-open-calls=1",
        // inbound quotas: generous by default (storms pass), small for tenant tiny
        "gateway.quota.tenant.rate=1000",
        "gateway.quota.tenant.burst=1000",
        "gateway.quota.agent.rate=1000",
        "gateway.quota.agent.burst=1000",
        "gateway.tenants.tiny.connections.main.host=emulator:acme",
        "gateway.tenants.tiny.connections.main.token=dapi-acme-emulator-pat",
        "gateway.quota.tenants.tiny.rate=2",
        "gateway.quota.tenants.tiny.burst=6",
        "gateway.quota.tenants.tiny.agent-rate=1",
        "gateway.quota.tenants.tiny.agent-burst=4",
        // the same for a second tenant, so that each quota test starts with full buckets
        "gateway.tenants.tinier.connections.main.host=emulator:acme",
        "gateway.tenants.tinier.connections.main.token=dapi-acme-emulator-pat",
        "gateway.quota.tenants.tinier.rate=2",
        "gateway.quota.tenants.tinier.burst=6",
        "gateway.quota.tenants.tinier.agent-rate=1",
        "gateway.quota.tenants.tinier.agent-burst=4"})
public abstract class RateLimitTestBase extends GatewayTestBase {
}
