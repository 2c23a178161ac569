package dev.lakehouse.gateway.vault.webhook;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Delivery of connection events to tenants' webhooks ({@code gateway.vault.webhooks.*}).
 *
 * @param deliveryTimeout how long one POST may take (connect and answer); longer counts as a failed attempt
 * @param scanInterval    how often the dispatcher looks for deliveries due
 * @param firstBackoff    wait after the first failed attempt; doubles per failure up to max-backoff, with jitter
 * @param maxBackoff      see first-backoff
 * @param maxAttempts     attempts of one event; after the last failure it is marked failed (kept for inspection)
 * @param maxInFlight     most POSTs one instance has open at once (the rest wait for the next scan)
 */
@ConfigurationProperties(prefix = "gateway.vault.webhooks")
public record WebhookProperties(Duration deliveryTimeout, Duration scanInterval, Duration firstBackoff,
        Duration maxBackoff, int maxAttempts, int maxInFlight) {

    public WebhookProperties {
        deliveryTimeout = positive(deliveryTimeout, Duration.ofSeconds(10));
        scanInterval = positive(scanInterval, Duration.ofSeconds(2));
        firstBackoff = positive(firstBackoff, Duration.ofSeconds(5));
        maxBackoff = positive(maxBackoff, Duration.ofHours(1));
        if (maxBackoff.compareTo(firstBackoff) < 0) {
            maxBackoff = firstBackoff;
        }
        maxAttempts = maxAttempts <= 0 ? 16 : maxAttempts;
        maxInFlight = maxInFlight <= 0 ? 32 : maxInFlight;
    }

    /**
     * How long a claim on one delivery lasts: the POST's timeout twice over plus a margin, so it lapses only when the
     * instance that holds it died or stalled (then another instance retries the event, under the same webhook-id).
     */
    public Duration lease() {
        return deliveryTimeout.multipliedBy(2).plusSeconds(5);
    }

    private static Duration positive(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
