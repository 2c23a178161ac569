package dev.lakehouse.gateway.cluster;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Token buckets every replica shares: Bucket4j's Redis backend (Lettuce, compare-and-swap), so N replicas together
 * admit what one limit allows (the upstream guard's (workspace, API family) keys and the inbound quotas). Without
 * gateway.cluster.redis-url there are none and each bucket is the replica's own. A replica starts without Redis and
 * keeps connecting; {@link SharedTokens} falls back to its own bucket (or refuses) while Redis does not answer.
 */
@Component
public class SharedBuckets implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(SharedBuckets.class);
    /** Keys of buckets nobody used for this long disappear from Redis (a bucket refills fully well before). */
    private static final Duration KEEP_IDLE_BUCKETS = Duration.ofMinutes(10);

    private final ClusterProperties properties;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile ProxyManager<String> buckets;
    private volatile boolean closed;
    private volatile boolean warned;

    public SharedBuckets(ClusterProperties properties) {
        this.properties = properties;
        if (properties.redisUrl() == null || properties.redisUrl().isBlank()) {
            this.client = null;
            return;
        }
        this.client = RedisClients.create(RedisURI.create(properties.redisUrl()), properties.redisTimeout());
        RedisClients.keepConnecting("cluster-buckets-connector", this::connect, () -> buckets != null || closed, e -> {
            if (!warned) {
                warned = true;
                LOG.warn("Redis not reachable for shared rate-limit buckets yet ({}); each replica limits alone "
                        + "meanwhile, retrying every second", e.toString());
            }
        });
    }

    /** Whether buckets are shared at all (Redis configured). */
    public boolean enabled() {
        return client != null;
    }

    /** Whether Redis was reached, so buckets are shared from now on (Lettuce reconnects by itself afterwards). */
    public boolean connected() {
        return buckets != null;
    }

    /** Whether a shared bucket that cannot be reached lets calls through on the replica's own bucket. */
    public boolean failOpen() {
        return properties.rateLimitsFailOpen();
    }

    /**
     * The shared bucket for {@code key}, or null while Redis has not been reached yet (a background thread tries once
     * a second; meanwhile calls use the fallback).
     */
    public Bucket bucket(String key, Supplier<BucketConfiguration> configuration) {
        // batching: concurrent requests of one replica to the same bucket go to Redis as one compare-and-swap, so a
        // hot bucket costs round trips per batch, not per call and CAS retry
        return bucket(key, configuration, Optimizations.batching());
    }

    /**
     * A shared bucket that may lag behind the other replicas by up to {@code gateway.cluster.quota-sync-interval}
     * (or that interval's worth of tokens at {@code ratePerSecond}): consumption is synchronized with Redis in batches
     * and predicted between them, so a hot quota costs a few round trips per interval instead of one per request.
     * For the inbound quotas, where a few requests over the line are fine; never for the upstream guard.
     */
    public Bucket approximateBucket(String key, Supplier<BucketConfiguration> configuration, double ratePerSecond) {
        Duration interval = properties.quotaSyncInterval();
        long tokens = Math.max(1, (long) Math.floor(ratePerSecond * interval.toNanos() / 1e9));
        return bucket(key, configuration, Optimizations.predicting(new DelayParameters(tokens, interval)));
    }

    private Bucket bucket(String key, Supplier<BucketConfiguration> configuration, Optimization optimization) {
        ProxyManager<String> manager = buckets;
        return manager == null ? null : manager.builder().withOptimization(optimization)
                .build("gw:bucket:" + key, configuration);
    }

    private void connect() {
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_IDLE_BUCKETS))
                .build();
        LOG.info("rate-limit buckets are shared through Redis");
    }

    @Override
    public void destroy() {
        closed = true;
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
