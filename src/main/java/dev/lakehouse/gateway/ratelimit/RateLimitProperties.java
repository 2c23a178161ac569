package dev.lakehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The upstream guard (pipeline step 8) and its learning. Every value is set and commented in application.properties;
 * a connection can override a family's rate, burst and policy ({@code gateway.tenants.<t>.connections.<c>.rate-limits}).
 *
 * @param families          per API family: the upstream limit as believed (req/s), the burst, the policy
 * @param burst             the burst of every family that sets none
 * @param policy            the policy of every family that sets none
 * @param safety            fraction of the believed limit the gateway paces at (Databricks counts after answering)
 * @param maxQueueWait      the longest an absorbed call waits for its turn, pauses included; then it is answered
 * @param maxPause          a Retry-After pauses the whole key at most this long; longer waits are passed to the agent
 * @param defaultRetryAfter the pause after a 429 that names no Retry-After
 * @param minRate           learning never goes below this rate (req/s)
 * @param decreaseFactor    a 429 cuts the rate to at most this fraction of it (and to at most the answered rate)
 * @param learnMargin       the rate learned from a busy key's 429 is the answered rate times this
 * @param learnWindow       the window over which the answered rate is measured when a 429 arrives
 * @param increaseInterval  while calls queue and no 429 came for this long, the rate grows one step
 * @param increaseStep      fraction the rate grows by per step
 * @param maxRateFactor     learning never goes above this multiple of the configured rate
 * @param http429           passthrough answers as HTTP 429 with a JSON-RPC error instead of an isError tool result
 * @param errorCode         the JSON-RPC error code of those HTTP 429 answers
 */
@ConfigurationProperties(prefix = "gateway.ratelimit")
public record RateLimitProperties(Map<String, Family> families, Integer burst, RateLimitPolicy policy, double safety, Duration maxQueueWait, Duration maxPause,
        Duration defaultRetryAfter, double minRate, double decreaseFactor, double learnMargin, Duration learnWindow,
        Duration increaseInterval, double increaseStep, double maxRateFactor, boolean http429, int errorCode) {

    /** The rate of a family that sets none (req/s). */
    static final double FALLBACK_RATE = 30.0;

    /**
     * @param rate   the upstream limit, requests per second, as configured (the gateway paces at rate × safety)
     * @param burst  calls that may go at once (absorb); passthrough admits a second's worth, since agents come back
     *               on whole seconds
     * @param policy absorb or passthrough
     */
    public record Family(Double rate, Integer burst, RateLimitPolicy policy) {

        /** This family's values, each one replaced by the override's when the override names it. */
        public Family overriddenBy(Family override) {
            if (override == null) {
                return this;
            }
            return new Family(override.rate != null ? override.rate : rate, override.burst != null ? override.burst : burst,
                    override.policy != null ? override.policy : policy);
        }
    }

    public RateLimitProperties {
        families = families == null ? Map.of() : families;
        burst = burst == null || burst < 1 ? 1 : burst;
        policy = policy == null ? RateLimitPolicy.ABSORB : policy;
        safety = safety <= 0 || safety > 1 ? 0.95 : safety;
        maxQueueWait = maxQueueWait == null ? Duration.ofSeconds(30) : maxQueueWait;
        maxPause = maxPause == null ? Duration.ofSeconds(60) : maxPause;
        defaultRetryAfter = defaultRetryAfter == null ? Duration.ofSeconds(1) : defaultRetryAfter;
        minRate = minRate <= 0 ? 0.5 : minRate;
        decreaseFactor = decreaseFactor <= 0 || decreaseFactor >= 1 ? 0.9 : decreaseFactor;
        learnMargin = learnMargin <= 0 || learnMargin > 1 ? 0.95 : learnMargin;
        learnWindow = learnWindow == null ? Duration.ofSeconds(1) : learnWindow;
        increaseInterval = increaseInterval == null ? Duration.ofSeconds(10) : increaseInterval;
        increaseStep = increaseStep <= 0 ? 0.05 : increaseStep;
        maxRateFactor = maxRateFactor < 1 ? 2 : maxRateFactor;
    }

    /** The settings of every family, checked: a misspelt family name stops startup. */
    public Map<ApiFamily, Family> byFamily() {
        Family fallback = new Family(FALLBACK_RATE, burst, policy);
        Map<ApiFamily, Family> resolved = new EnumMap<>(ApiFamily.class);
        for (ApiFamily family : ApiFamily.values()) {
            resolved.put(family, fallback);
        }
        families.forEach((name, settings) -> resolved.put(ApiFamily.byKey(name), fallback.overriddenBy(settings)));
        return resolved;
    }
}
