package dev.lakehouse.gateway.vault.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;

import dev.lakehouse.gateway.vault.EnvelopeCipher;
import dev.lakehouse.gateway.vault.VaultCryptoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Delivers the outbox ({@code vault_webhook_deliveries}) to the tenants' webhooks: a single daemon thread scans for
 * deliveries due every scan-interval, claims each with a lease (so of several gateway instances over one database,
 * one sends a given event at a time), and POSTs it signed ({@link WebhookSigner}). The POST is asynchronous: while
 * the receiver answers no thread waits, and its outcome is written back on the dispatcher thread. A failure (non-2xx,
 * timeout, no connection) is retried after an exponential back-off with jitter, until max-attempts; then the
 * delivery is marked failed and kept. Delivery is at least once: receivers deduplicate by the webhook-id header.
 */
@Component
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int MAX_ERROR = 300;
    private static final String USER_AGENT = "databricks-mcp-gateway-webhooks";

    private final WebhookStore store;
    private final EnvelopeCipher cipher;
    private final WebhookProperties properties;
    private final HttpClient http;
    /** this instance's part of every lease owner; a counter makes each claim's owner unique */
    private final String instance = UUID.randomUUID().toString().substring(0, 13);
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile ScheduledExecutorService executor;

    public WebhookDispatcher(WebhookStore store, EnvelopeCipher cipher, WebhookProperties properties) {
        this.store = store;
        this.cipher = cipher;
        this.properties = properties;
        // redirects are not followed: a receiver that moved must be configured again, the body is never re-sent elsewhere
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.deliveryTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "vault-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.scanInterval().toMillis();
        executor.scheduleWithFixedDelay(this::scan, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running == null) {
            return;
        }
        running.shutdown();   // answers still arriving are not recorded: their leases lapse and another attempt follows
        try {
            running.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    /** One scan: claims what is due (as many as may be in flight) and starts their POSTs. Runs on the dispatcher thread. */
    void scan() {
        try {
            int room = properties.maxInFlight() - inFlight.get();
            if (room <= 0) {
                return;
            }
            Instant now = Instant.now();
            for (String id : store.due(now, room)) {
                Optional<WebhookStore.Claim> claim = store.claim(id, instance + "-" + claims.incrementAndGet(), now,
                        now.plus(properties.lease()));
                claim.ifPresent(this::deliver);
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and let the next scan try
            LOG.warn("webhook scan failed: {}", brief(e));
        }
    }

    private void deliver(WebhookStore.Claim claim) {
        if (claim.url() == null || !claim.enabled()) {
            store.failed(claim, null, "no enabled webhook for the tenant", Instant.now());
            LOG.info("webhook delivery dropped id={} tenant={} type={}: the tenant has no enabled webhook",
                    claim.id(), claim.tenant(), claim.type());
            return;
        }
        HttpRequest request;
        try {
            String secret = cipher.openWithMasterKey(claim.sealedSecret(), WebhookStore.secretContext(claim.tenant()));
            long timestamp = Instant.now().getEpochSecond();
            request = HttpRequest.newBuilder(URI.create(claim.url()))
                    .timeout(properties.deliveryTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", USER_AGENT)
                    .header(WebhookSigner.ID_HEADER, claim.id())
                    .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(secret, claim.id(), timestamp, claim.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(claim.payload()))
                    .build();
        } catch (VaultCryptoException e) {
            failed(claim, new Outcome(null, "signing secret cannot be opened: " + e.getMessage(), null));
            return;
        } catch (IllegalArgumentException e) {
            failed(claim, new Outcome(null, "the webhook URL or secret is not usable", null));
            return;
        }
        ScheduledExecutorService running = executor;
        Executor recorder = running != null ? running : Runnable::run;
        inFlight.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .handle(WebhookDispatcher::outcome)
                .thenAcceptAsync(outcome -> record(claim, outcome), recorder)
                .whenComplete((ignored, error) -> {
                    inFlight.decrementAndGet();
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof RejectedExecutionException) {
                        LOG.debug("webhook outcome of id={} not recorded: the dispatcher is stopping", claim.id());
                    } else if (cause != null) {
                        // the lease lapses and another attempt follows
                        LOG.warn("webhook outcome of id={} tenant={} not recorded: {}", claim.id(), claim.tenant(), brief(cause));
                    }
                });
    }

    /** What an attempt came to: the receiver's status (null: no answer), an error (null: 2xx), a Retry-After. */
    record Outcome(Integer status, String error, Duration retryAfter) {

        boolean success() {
            return error == null;
        }
    }

    private static Outcome outcome(HttpResponse<InputStream> response, Throwable error) {
        if (response == null) {
            return new Outcome(null, describe(error), null);
        }
        try (InputStream body = response.body()) {
            // the body is never read: closing it drops the rest, so a receiver cannot keep us reading
        } catch (IOException ignored) {
            // nothing to recover from: the status is what counts
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Outcome(status, null, null);
        }
        Duration retryAfter = null;
        if (status == 429 || status == 503) {
            retryAfter = response.headers().firstValue("Retry-After").map(WebhookDispatcher::seconds).orElse(null);
        }
        return new Outcome(status, "HTTP " + status, retryAfter);
    }

    private void record(WebhookStore.Claim claim, Outcome outcome) {
        if (outcome.success()) {
            if (store.delivered(claim, outcome.status(), Instant.now())) {
                LOG.debug("webhook delivered id={} tenant={} type={} attempt={} status={}", claim.id(), claim.tenant(),
                        claim.type(), claim.attempts(), outcome.status());
            } else {
                lostLease(claim);
            }
            return;
        }
        failed(claim, outcome);
    }

    private void failed(WebhookStore.Claim claim, Outcome outcome) {
        Instant now = Instant.now();
        String error = outcome.error().length() > MAX_ERROR ? outcome.error().substring(0, MAX_ERROR) : outcome.error();
        if (claim.attempts() >= properties.maxAttempts()) {
            if (store.failed(claim, outcome.status(), error, now)) {
                LOG.warn("webhook delivery failed for good id={} tenant={} type={} after {} attempts: {}", claim.id(),
                        claim.tenant(), claim.type(), claim.attempts(), error);
            } else {
                lostLease(claim);
            }
            return;
        }
        Duration wait = backoff(claim.attempts(), properties.firstBackoff(), properties.maxBackoff(),
                ThreadLocalRandom.current().nextDouble());
        if (outcome.retryAfter() != null && outcome.retryAfter().compareTo(wait) > 0) {
            wait = outcome.retryAfter().compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : outcome.retryAfter();
        }
        if (store.retry(claim, outcome.status(), error, now.plus(wait))) {
            LOG.info("webhook attempt {} of {} failed id={} tenant={} type={}: {}; next attempt in {} ms", claim.attempts(),
                    properties.maxAttempts(), claim.id(), claim.tenant(), claim.type(), error, wait.toMillis());
        } else {
            lostLease(claim);
        }
    }

    private static void lostLease(WebhookStore.Claim claim) {
        LOG.info("webhook outcome of id={} tenant={} not recorded: the delivery changed meanwhile (its lease lapsed and "
                + "another attempt took over, or the webhook was deleted)", claim.id(), claim.tenant());
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based): first × 2^(attempt-1), at most max, of which a random
     * half is taken off ("equal jitter"), so receivers that failed together are not retried together.
     */
    static Duration backoff(int attempt, Duration first, Duration max, double random) {
        long cap = max.toMillis();
        long base = first.toMillis();
        for (int i = 1; i < attempt && base < cap; i++) {
            base *= 2;
        }
        base = Math.min(base, cap);
        return Duration.ofMillis(base / 2 + (long) (random * (base - base / 2)));
    }

    /** A short reason for a failed attempt: what went wrong, never a body, a header or a secret. */
    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "connect timeout";
        }
        if (cause instanceof HttpTimeoutException) {
            return "timeout: no answer in time";
        }
        if (cause instanceof ConnectException) {
            return "connection refused or unreachable";
        }
        if (cause instanceof SSLException) {
            return "TLS handshake failed";
        }
        if (cause instanceof IOException) {
            return "I/O error (" + cause.getClass().getSimpleName() + ")";
        }
        return cause == null ? "unknown error" : cause.getClass().getSimpleName();
    }

    private static Duration seconds(String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds > 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;   // an HTTP date: our own back-off applies
        }
    }

    private static String brief(Throwable error) {
        String text = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
    }
}
