package dev.lakehouse.emulator.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.lakehouse.emulator.admin.AdminEndpoints;
import dev.lakehouse.emulator.admin.FaultInjector;
import dev.lakehouse.emulator.admin.LoopbackGuard;
import dev.lakehouse.emulator.admin.RequestLog;
import dev.lakehouse.emulator.auth.WorkspaceAuthenticator;
import dev.lakehouse.emulator.cloud.CloudTokenEndpoints;

/**
 * The request pipeline of one workspace: admin API short-cut, request counting, rate and concurrency limit
 * check, injected faults, authentication, routing, and usage recording after the response is computed.
 * Client mistakes become Databricks-shaped 4xx bodies; anything unexpected a 500 without a trace.
 */
public final class WorkspaceHttpHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceHttpHandler.class);
    /** Statement text may be 16 MiB; leave room for the JSON around it. */
    private static final int MAX_BODY_BYTES = 20 * 1024 * 1024;

    private final String workspaceName;
    private final String workspaceId;
    private final Router api;
    private final Router admin;
    private final boolean adminEnabled;
    private final RequestLog requestLog;
    private final RateLimiter rateLimiter;
    private final FaultInjector faults;
    private final WorkspaceAuthenticator authenticator;

    public WorkspaceHttpHandler(String workspaceName, String workspaceId, Router api, Router admin, boolean adminEnabled,
                                RequestLog requestLog, RateLimiter rateLimiter, FaultInjector faults,
                                WorkspaceAuthenticator authenticator) {
        this.workspaceName = workspaceName;
        this.workspaceId = workspaceId;
        this.api = api;
        this.admin = admin;
        this.adminEnabled = adminEnabled;
        this.requestLog = requestLog;
        this.rateLimiter = rateLimiter;
        this.faults = faults;
        this.authenticator = authenticator;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        RateLimiter.Admission admission = null;
        TokenOutcome token = null;
        CloudTokenOutcome cloudToken = null;
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals(AdminEndpoints.PREFIX) || path.startsWith(AdminEndpoints.PREFIX + "/")) {
                send(exchange, adminResponse(exchange, method, path));
                return;
            }
            ApiFamily family = ApiFamily.of(method, path);
            requestLog.record(method, path, family);
            String cloudKind = CloudTokenEndpoints.tokenKind(method, path);
            cloudToken = cloudKind == null ? null : new CloudTokenOutcome(cloudKind);
            byte[] body = null;
            if (family == ApiFamily.TOKEN && "POST".equalsIgnoreCase(method)) {
                // read first, so the grant type is counted even when a limit or a fault answers instead
                token = new TokenOutcome();
                try {
                    body = readBody(exchange);
                } catch (ApiException e) {
                    requestLog.tokenRequest(null);
                    send(exchange, token.answer(e.toResponse()));
                    return;
                }
                requestLog.tokenRequest(grantType(body));
            }
            admission = rateLimiter.admit(family);
            if (!admission.admitted()) {
                requestLog.limited(family, admission.refusal() == RateLimiter.Refusal.CONCURRENCY
                        ? RequestLog.Limit.CONCURRENCY : RequestLog.Limit.WINDOW);
                send(exchange, answer(cloudToken, answer(token, tooManyRequests(admission))));
                return;
            }
            ApiResponse response = answer(cloudToken,
                    answer(token, serve(exchange, method, path, family, admission, body, token)));
            // the response is computed: no longer in flight (released before writing, so a client's next
            // request can never find this one still counted)
            admission.release();
            if (response != null) {
                send(exchange, response);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (IOException e) {
            LOG.debug("[{}] client connection failed: {}", workspaceName, e.toString());
            exchange.close();
        } finally {
            if (admission != null) {
                admission.release();
            }
            if (token != null) {
                token.answer(null);
            }
            if (cloudToken != null) {
                cloudToken.answer(null);
            }
        }
    }

    /**
     * Counts a token endpoint request as failed unless it is answered 200, exactly once and before the answer is
     * written (a client reading the counters right after its answer must see them).
     */
    private final class TokenOutcome {
        private boolean counted;

        ApiResponse answer(ApiResponse response) {
            if (!counted) {
                counted = true;
                if (response == null || response.status() != 200) {
                    requestLog.tokenRequestFailed();
                }
            }
            return response;
        }
    }

    private static ApiResponse answer(TokenOutcome token, ApiResponse response) {
        return token == null ? response : token.answer(response);
    }

    /** As {@link TokenOutcome}, for the token endpoints of the emulated Entra ID and Google. */
    private final class CloudTokenOutcome {
        private final String kind;
        private boolean counted;

        CloudTokenOutcome(String kind) {
            this.kind = kind;
        }

        ApiResponse answer(ApiResponse response) {
            if (!counted) {
                counted = true;
                requestLog.cloudTokenRequest(kind, response != null && response.status() == 200);
            }
            return response;
        }
    }

    private static ApiResponse answer(CloudTokenOutcome cloudToken, ApiResponse response) {
        return cloudToken == null ? response : cloudToken.answer(response);
    }

    /** The grant_type of a urlencoded token request, or null when absent or unparsable. */
    private static String grantType(byte[] body) {
        try {
            List<String> values = ApiRequest.parseForm(new String(body, StandardCharsets.UTF_8)).get("grant_type");
            return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
        } catch (ApiException e) {
            return null;
        }
    }

    /** Injected faults, then the API itself; null when the connection was dropped on purpose. */
    private ApiResponse serve(HttpExchange exchange, String method, String path, ApiFamily family,
                              RateLimiter.Admission admission, byte[] body, TokenOutcome token)
            throws IOException, InterruptedException {
        FaultInjector.Decision fault = faults.evaluate(method, path, family);
        if (fault.latencyMs() > 0) {
            Thread.sleep(fault.latencyMs());
        }
        if (fault.drop()) {
            LOG.debug("[{}] dropping connection for {} {} (injected fault)", workspaceName, method, path);
            answer(token, null);
            exchange.close();
            return null;
        }
        ApiResponse injected = fault.response();
        if (injected != null) {
            if (injected.status() == 429) {
                requestLog.limited(family, RequestLog.Limit.FAULT);
            }
            return injected;
        }
        ApiResponse response = route(exchange, api, method, path, true, body);
        admission.recordUsage();
        return response;
    }

    private ApiResponse adminResponse(HttpExchange exchange, String method, String path) throws IOException {
        if (!adminEnabled) {
            return notFound(method, path).toResponse();
        }
        if (!LoopbackGuard.isLoopback(exchange.getRemoteAddress())) {
            return new ApiException(403, "PERMISSION_DENIED",
                    "The emulator admin API only accepts requests from loopback addresses").toResponse();
        }
        return route(exchange, admin, method, path, false, null);
    }

    /** Routes the request; {@code body} is the already read body, or null to read it now. */
    private ApiResponse route(HttpExchange exchange, Router router, String method, String path, boolean authenticate,
                              byte[] body) throws IOException {
        try {
            ApiRequest request = new ApiRequest(method, path, exchange.getRequestURI().getRawQuery(),
                    body != null ? body : readBody(exchange), exchange.getRequestHeaders(), exchange.getRemoteAddress());
            Router.Match match = router.match(method, path);
            if (match == null) {
                throw notFound(method, path);
            }
            Router.bind(request, match);
            if (authenticate && match.authenticated()) {
                request.principal(authenticator.authenticate(bearer(request), request.headers()));
            }
            Object result = match.handler().handle(request);
            if (result instanceof ApiResponse response) {
                return response;
            }
            return ApiResponse.json(result == null ? Json.obj() : result);
        } catch (ApiException e) {
            return e.toResponse();
        } catch (IOException e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            LOG.warn("[{}] unexpected error serving {} {}", workspaceName, method, path, e);
            return new ApiException(500, "INTERNAL_ERROR", "Internal error while serving " + method + " " + path)
                    .toResponse();
        }
    }

    private static String bearer(ApiRequest request) {
        String header = request.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new ApiException(401, 401, "Credential was not sent or was of an unsupported type for this API.");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, 401, "Credential was not sent or was of an unsupported type for this API.");
        }
        return header.substring(7).trim();
    }

    private static ApiException notFound(String method, String path) {
        return new ApiException(404, "ENDPOINT_NOT_FOUND", "No API found for '" + method + " " + path + "'");
    }

    private ApiResponse tooManyRequests(RateLimiter.Admission refused) {
        String message = refused.refusal() == RateLimiter.Refusal.CONCURRENCY
                ? "Workspace " + workspaceId + " exceeded the concurrent limit of " + refused.limit() + " requests"
                : "REQUEST_LIMIT_EXCEEDED: Exceeded workspace rate limit for " + refused.family().key()
                        + " APIs, please retry later";
        Map<String, String> headers = refused.retryAfterSeconds() == null ? Map.of()
                : Map.of("Retry-After", String.valueOf(refused.retryAfterSeconds()));
        return new ApiException(429, "REQUEST_LIMIT_EXCEEDED", message, headers).toResponse();
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ApiException(400, "INVALID_PARAMETER_VALUE", "Request body exceeds " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }
}
