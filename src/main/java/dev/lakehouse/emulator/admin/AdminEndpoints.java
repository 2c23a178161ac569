package dev.lakehouse.emulator.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.auth.Principal;
import dev.lakehouse.emulator.auth.TokenStore;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiFamily;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.RateLimiter;
import dev.lakehouse.emulator.http.Router;

/**
 * The emulator's control plane under {@value #PREFIX}, served on every workspace port and acting on
 * that workspace: faults, token revocation/expiry, extra PATs, request counters and the rate limits. It needs no
 * bearer token; the HTTP layer only lets loopback callers in and only when it is enabled.
 */
public final class AdminEndpoints {

    public static final String PREFIX = "/emulator/admin";

    private final WorkspaceSettings settings;
    private final FaultInjector faults;
    private final TokenStore tokens;
    private final IdentityDirectory identities;
    private final RequestLog requestLog;
    private final RateLimiter rateLimiter;
    private final int defaultRetryAfter;

    public AdminEndpoints(WorkspaceSettings settings, FaultInjector faults, TokenStore tokens,
                          IdentityDirectory identities, RequestLog requestLog, RateLimiter rateLimiter,
                          int defaultRetryAfter) {
        this.settings = settings;
        this.faults = faults;
        this.tokens = tokens;
        this.identities = identities;
        this.requestLog = requestLog;
        this.rateLimiter = rateLimiter;
        this.defaultRetryAfter = defaultRetryAfter;
    }

    public void register(Router router) {
        router.addPublic("GET", PREFIX + "/info", this::info);
        router.addPublic("GET", PREFIX + "/faults", r -> listFaults());
        router.addPublic("POST", PREFIX + "/faults", this::addFault);
        router.addPublic("DELETE", PREFIX + "/faults", r -> {
            faults.clear();
            return listFaults();
        });
        router.addPublic("DELETE", PREFIX + "/faults/{id}", this::removeFault);
        router.addPublic("POST", PREFIX + "/tokens/revoke", this::revoke);
        router.addPublic("POST", PREFIX + "/tokens/expire", this::expire);
        router.addPublic("POST", PREFIX + "/pats", this::createPat);
        router.addPublic("GET", PREFIX + "/requests", r -> requests());
        router.addPublic("DELETE", PREFIX + "/requests", r -> {
            requestLog.reset();
            return requests();
        });
        router.addPublic("GET", PREFIX + "/rate-limits", r -> rateLimits());
        router.addPublic("PUT", PREFIX + "/rate-limits", this::updateRateLimits);
        router.addPublic("DELETE", PREFIX + "/rate-limits", r -> {
            rateLimiter.reset();
            return rateLimits();
        });
    }

    private Object info(ApiRequest request) {
        ObjectNode body = Json.obj();
        body.put("workspace", settings.name());
        body.put("workspace_id", settings.workspaceId());
        body.put("host", request.baseUrl());
        body.put("warehouse_id", settings.warehouseId());
        return body;
    }

    private ObjectNode listFaults() {
        ObjectNode body = Json.obj();
        ArrayNode list = body.putArray("faults");
        faults.list().forEach(f -> list.add(f.toJson()));
        return body;
    }

    private Object addFault(ApiRequest request) {
        request.json();
        Fault.Kind kind = Fault.Kind.parse(request.requireBodyString("kind"));
        String familyName = request.bodyString("family");
        ApiFamily family = familyName == null || familyName.equalsIgnoreCase("all") ? null : ApiFamily.parse(familyName);
        Long count = request.bodyLong("count");
        Long durationMs = request.bodyLong("duration_ms");
        Long latencyMs = request.bodyLong("latency_ms");
        Long retryAfter = request.bodyLong("retry_after_seconds");
        // out-of-range numbers would overflow into a fault that never fires or a negative Retry-After
        if (count != null && (count < 1 || count > Integer.MAX_VALUE)) {
            throw ApiException.invalidParameter("count must be an integer between 1 and " + Integer.MAX_VALUE);
        }
        if (durationMs != null && durationMs < 1) {
            throw ApiException.invalidParameter("duration_ms must be >= 1");
        }
        if (retryAfter != null && (retryAfter < 0 || retryAfter > MAX_RETRY_AFTER_SECONDS)) {
            throw ApiException.invalidParameter("retry_after_seconds must be an integer between 0 and "
                    + MAX_RETRY_AFTER_SECONDS);
        }
        if (kind == Fault.Kind.LATENCY && (latencyMs == null || latencyMs < 0)) {
            throw ApiException.invalidParameter("latency_ms is required for LATENCY faults");
        }
        Fault fault = new Fault(faults.nextId(), kind, family, request.bodyString("path_prefix"),
                request.bodyString("method"), count == null ? null : count.intValue(),
                durationMs == null ? null : Instant.now().plusMillis(durationMs),
                latencyMs == null ? 0 : latencyMs, retryAfter == null ? defaultRetryAfter : retryAfter.intValue());
        faults.add(fault);

        return fault.toJson();
    }

    private Object removeFault(ApiRequest request) {
        String id = request.pathParam("id");
        if (!faults.remove(id)) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Fault " + id + " does not exist");
        }
        return Json.obj();
    }

    /** Revokes one token ({@code token}) or every OAuth token of a client ({@code client_id}). */
    private Object revoke(ApiRequest request) {
        String token = request.bodyString("token");
        String clientId = request.bodyString("client_id");
        ObjectNode body = Json.obj();
        if (token != null) {
            body.put("revoked", tokens.revoke(token) ? 1 : 0);
        } else if (clientId != null) {
            body.put("revoked", tokens.revokeClient(clientId));
        } else {
            throw ApiException.invalidParameter("Missing required field: token or client_id");
        }
        return body;
    }

    private Object expire(ApiRequest request) {
        String token = request.requireBodyString("token");
        if (!tokens.expire(token)) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Unknown token");
        }
        return Json.obj().put("expired", true);
    }

    /** Creates a PAT for the first user or {@code user_name}: given {@code token} or a random {@code dapi...} one. */
    private Object createPat(ApiRequest request) {
        String token = request.bodyString("token");
        Long lifetime = request.bodyLong("lifetime_seconds");
        String userName = request.bodyString("user_name");
        Principal owner = userName == null ? identities.user() : identities.findUser(userName);
        if (owner == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "User '" + userName + "' does not exist");
        }
        if (token == null) {
            token = TokenStore.randomToken("dapi");
        }
        Instant expiresAt = lifetime == null ? null : Instant.now().plusSeconds(lifetime);
        tokens.addPat(token, owner, expiresAt);
        ObjectNode body = Json.obj();
        body.put("token", token);
        Json.putOpt(body, "expires_at", expiresAt == null ? null : expiresAt.toString());
        return body;
    }

    private ObjectNode requests() {
        ObjectNode body = Json.obj();
        body.put("total", requestLog.total());
        ObjectNode by = body.putObject("by_route");
        requestLog.snapshot().forEach(by::put);
        ObjectNode families = body.putObject("families");
        requestLog.families().forEach((family, counts) -> families.putObject(family.key())
                .put("received", counts.received())
                .put("rate_limited", counts.rateLimited())
                .put("window_limited", counts.windowLimited())
                .put("concurrency_limited", counts.concurrencyLimited())
                .put("fault_limited", counts.faultLimited())
                .put("first_received_ms", requestLog.firstReceivedMillis(family))
                .put("last_received_ms", requestLog.lastReceivedMillis(family)));
        ObjectNode token = body.putObject("token_requests");
        requestLog.tokenRequests().forEach(token::put);
        ObjectNode cloud = body.putObject("cloud_token_requests");
        requestLog.cloudTokenRequests().forEach(cloud::put);
        ObjectNode federation = body.putObject("federation_exchanges");
        requestLog.federationExchanges().forEach(federation::put);
        return body;
    }

    private ObjectNode rateLimits() {
        RateLimiter.Settings current = rateLimiter.settings();
        ObjectNode body = Json.obj();
        body.put("window_ms", current.window().toMillis());
        body.put("retry_after_seconds", current.retryAfterSeconds());
        body.put("retry_after_enabled", current.retryAfterEnabled());
        body.put("record_after_response", current.recordAfterResponse());
        ObjectNode limits = body.putObject("limits");
        current.limits().forEach((family, limit) -> limits.put(family.key(), limit));
        ObjectNode concurrent = body.putObject("concurrent");
        current.concurrent().forEach((family, limit) -> concurrent.put(family.key(), limit));
        ObjectNode inFlight = body.putObject("in_flight");
        for (ApiFamily family : ApiFamily.values()) {
            inFlight.put(family.key(), rateLimiter.inFlight(family));
        }
        return body;
    }

    private static final Set<String> RATE_LIMIT_FIELDS = Set.of("limits", "concurrent", "window_ms",
            "retry_after_seconds", "retry_after_enabled", "record_after_response", "in_flight");
    private static final long MAX_WINDOW_MS = 86_400_000L;
    private static final int MAX_RETRY_AFTER_SECONDS = 86_400;

    /** Validates the whole body first, then applies it at once; absent or null fields stay unchanged. */
    private Object updateRateLimits(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, RATE_LIMIT_FIELDS);
        Map<ApiFamily, Integer> limits = familyLimits(body, "limits");
        Map<ApiFamily, Integer> concurrent = familyLimits(body, "concurrent");
        Long windowMs = AdminBodies.integerField(body, "window_ms", 1, MAX_WINDOW_MS);
        Long retryAfter = AdminBodies.integerField(body, "retry_after_seconds", 0, MAX_RETRY_AFTER_SECONDS);
        rateLimiter.update(new RateLimiter.Update(windowMs == null ? null : Duration.ofMillis(windowMs),
                retryAfter == null ? null : retryAfter.intValue(), AdminBodies.booleanField(body, "retry_after_enabled"),
                AdminBodies.booleanField(body, "record_after_response"), limits, concurrent));
        return rateLimits();
    }

    private static Map<ApiFamily, Integer> familyLimits(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.invalidParameter(field + " must be a JSON object of API family to integer, e.g. "
                    + "{\"unity-catalog\": 20}");
        }
        Map<ApiFamily, Integer> result = new EnumMap<>(ApiFamily.class);
        for (Iterator<Map.Entry<String, JsonNode>> entries = node.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            ApiFamily family;
            try {
                family = ApiFamily.parse(entry.getKey());
            } catch (ApiException e) {
                throw ApiException.invalidParameter("Unknown API family '" + entry.getKey() + "' in " + field
                        + "; known: " + Arrays.stream(ApiFamily.values()).map(ApiFamily::key).collect(Collectors.joining(", ")));
            }
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw ApiException.invalidParameter(field + "." + entry.getKey()
                        + " must be an integer >= 0 (0 removes the limit), got " + value);
            }
            result.put(family, value.intValue());
        }
        return result;
    }
}
