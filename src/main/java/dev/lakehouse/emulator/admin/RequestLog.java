package dev.lakehouse.emulator.admin;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.lakehouse.emulator.http.ApiFamily;

/**
 * Counts the requests a workspace received ("METHOD /path"), so tests can see retries arrive, per API
 * family how many were received and how many were answered 429 REQUEST_LIMIT_EXCEEDED, the token endpoint's
 * requests per grant type and failures, and the outcomes of OAuth token federation exchanges.
 */
public final class RequestLog {

    /** What answered a request with 429. */
    public enum Limit {
        /** the family's requests-per-window limit */
        WINDOW,
        /** the family's in-flight limit */
        CONCURRENCY,
        /** an injected RATE_LIMIT fault */
        FAULT
    }

    /** Counters of one family; {@code rateLimited} is the sum of the three causes. */
    public record FamilyCounts(long received, long rateLimited, long windowLimited, long concurrencyLimited,
                               long faultLimited) { }

    /** The grant types the token endpoint serves; anything else (or none) counts as {@code other}. */
    public static final List<String> GRANT_TYPES = List.of("client_credentials", "authorization_code", "refresh_token");

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    /** Token endpoint requests per grant type, then "other" and "failed"; fixed keys, so reads need no lock. */
    private final Map<String, AtomicLong> tokenRequests = new LinkedHashMap<>();
    /** Token requests to the emulated Entra ID and Google, and how many of them were not answered 200. */
    private final Map<String, AtomicLong> cloudTokenRequests = new LinkedHashMap<>();
    /** OAuth token federation exchanges (token-exchange grant) that issued a token, and those refused. */
    private final Map<String, AtomicLong> federationExchanges = new LinkedHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong[] received = counters();
    /** Epoch milliseconds of each family's first and latest request since the last reset (0: none): its pace. */
    private final AtomicLong[] firstAt = counters();
    private final AtomicLong[] lastAt = counters();
    private final AtomicLong[][] limited = new AtomicLong[Limit.values().length][];

    public RequestLog() {
        for (int i = 0; i < limited.length; i++) {
            limited[i] = counters();
        }
        GRANT_TYPES.forEach(type -> tokenRequests.put(type, new AtomicLong()));
        tokenRequests.put("other", new AtomicLong());
        tokenRequests.put("failed", new AtomicLong());
        for (String kind : List.of("entra", "google")) {
            cloudTokenRequests.put(kind, new AtomicLong());
            cloudTokenRequests.put(kind + "_failed", new AtomicLong());
        }
        federationExchanges.put("ok", new AtomicLong());
        federationExchanges.put("refused", new AtomicLong());
    }

    private static AtomicLong[] counters() {
        AtomicLong[] array = new AtomicLong[ApiFamily.values().length];
        for (int i = 0; i < array.length; i++) {
            array[i] = new AtomicLong();
        }
        return array;
    }

    public void record(String method, String path) {
        record(method, path, ApiFamily.of(method, path));
    }

    public void record(String method, String path, ApiFamily family) {
        total.incrementAndGet();
        counts.computeIfAbsent(method + " " + path, k -> new AtomicLong()).incrementAndGet();
        received[family.ordinal()].incrementAndGet();
        long now = System.currentTimeMillis();
        firstAt[family.ordinal()].compareAndSet(0, now);
        lastAt[family.ordinal()].accumulateAndGet(now, Math::max);
    }

    /** Epoch milliseconds of the family's first request since the last reset, 0 when none came. */
    public long firstReceivedMillis(ApiFamily family) {
        return firstAt[family.ordinal()].get();
    }

    /** Epoch milliseconds of the family's latest request, 0 when none came. */
    public long lastReceivedMillis(ApiFamily family) {
        return lastAt[family.ordinal()].get();
    }

    /** A request of this family was answered 429 for the given reason. */
    public void limited(ApiFamily family, Limit cause) {
        limited[cause.ordinal()][family.ordinal()].incrementAndGet();
    }

    /** A token endpoint request arrived with this grant_type (null when it had none or the body was unreadable). */
    public void tokenRequest(String grantType) {
        tokenRequests.get(grantType != null && GRANT_TYPES.contains(grantType) ? grantType : "other").incrementAndGet();
    }

    /** A token endpoint request was not answered 200 (error, rate limit, injected fault or dropped connection). */
    public void tokenRequestFailed() {
        tokenRequests.get("failed").incrementAndGet();
    }

    /** {@code client_credentials, authorization_code, refresh_token, other, failed} in that order. */
    public Map<String, Long> tokenRequests() {
        Map<String, Long> copy = new LinkedHashMap<>();
        tokenRequests.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /**
     * A token request to the emulated Entra ID ({@code entra}) or Google ({@code google}) was answered; counted
     * once, after its answer was computed (a dropped or unanswered one counts as failed).
     */
    public void cloudTokenRequest(String kind, boolean succeeded) {
        cloudTokenRequests.get(kind).incrementAndGet();
        if (!succeeded) {
            cloudTokenRequests.get(kind + "_failed").incrementAndGet();
        }
    }

    /** {@code entra, entra_failed, google, google_failed} in that order. */
    public Map<String, Long> cloudTokenRequests() {
        Map<String, Long> copy = new LinkedHashMap<>();
        cloudTokenRequests.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** A token exchange (OAuth token federation) was answered: a token issued, or refused with an OAuth error. */
    public void federationExchange(boolean issued) {
        federationExchanges.get(issued ? "ok" : "refused").incrementAndGet();
    }

    /** {@code ok, refused} in that order. */
    public Map<String, Long> federationExchanges() {
        Map<String, Long> copy = new LinkedHashMap<>();
        federationExchanges.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public long count(String method, String path) {
        AtomicLong count = counts.get(method + " " + path);
        return count == null ? 0 : count.get();
    }

    public long total() {
        return total.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public FamilyCounts family(ApiFamily family) {
        int i = family.ordinal();
        long window = limited[Limit.WINDOW.ordinal()][i].get();
        long concurrency = limited[Limit.CONCURRENCY.ordinal()][i].get();
        long fault = limited[Limit.FAULT.ordinal()][i].get();
        return new FamilyCounts(received[i].get(), window + concurrency + fault, window, concurrency, fault);
    }

    /** Counters of every family, in {@link ApiFamily} order. */
    public Map<ApiFamily, FamilyCounts> families() {
        Map<ApiFamily, FamilyCounts> all = new EnumMap<>(ApiFamily.class);
        for (ApiFamily family : ApiFamily.values()) {
            all.put(family, family(family));
        }
        return all;
    }

    public void reset() {
        counts.clear();
        total.set(0);
        tokenRequests.values().forEach(counter -> counter.set(0));
        cloudTokenRequests.values().forEach(counter -> counter.set(0));
        federationExchanges.values().forEach(counter -> counter.set(0));
        for (AtomicLong[] perFamily : List.of(received, firstAt, lastAt)) {
            for (AtomicLong counter : perFamily) {
                counter.set(0);
            }
        }
        for (AtomicLong[] byFamily : limited) {
            for (AtomicLong counter : byFamily) {
                counter.set(0);
            }
        }
    }
}
