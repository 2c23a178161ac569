package dev.lakehouse.emulator.admin;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.auth.TokenStore;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiFamily;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/**
 * The emulator's control plane under {@value #PREFIX}, served on every workspace port and acting on
 * that workspace: faults, token revocation/expiry, extra PATs and request counters. It needs no
 * bearer token; the HTTP layer only lets loopback callers in and only when it is enabled.
 */
public final class AdminEndpoints {

    public static final String PREFIX = "/emulator/admin";

    private final WorkspaceSettings settings;
    private final FaultInjector faults;
    private final TokenStore tokens;
    private final IdentityDirectory identities;
    private final RequestLog requestLog;
    private final int defaultRetryAfter;

    public AdminEndpoints(WorkspaceSettings settings, FaultInjector faults, TokenStore tokens,
                          IdentityDirectory identities, RequestLog requestLog, int defaultRetryAfter) {
        this.settings = settings;
        this.faults = faults;
        this.tokens = tokens;
        this.identities = identities;
        this.requestLog = requestLog;
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
        if (count != null && count < 1) {
            throw ApiException.invalidParameter("count must be >= 1");
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

    /** Creates a PAT for the workspace user: given {@code token} or a random {@code dapi...} one. */
    private Object createPat(ApiRequest request) {
        String token = request.bodyString("token");
        Long lifetime = request.bodyLong("lifetime_seconds");
        if (token == null) {
            token = TokenStore.randomToken("dapi");
        }
        Instant expiresAt = lifetime == null ? null : Instant.now().plusSeconds(lifetime);
        tokens.addPat(token, identities.user(), expiresAt);
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
        return body;
    }
}
