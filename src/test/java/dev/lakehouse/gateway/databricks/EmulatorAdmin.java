package dev.lakehouse.gateway.databricks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.core.env.Environment;

/** The embedded emulator's admin API ({@code /emulator/admin/...}) of one workspace: faults, tokens, request counts. */
public final class EmulatorAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    private EmulatorAdmin(String base) {
        this.base = base;
    }

    public static EmulatorAdmin of(Environment environment, String workspace) {
        String url = environment.getProperty("emulator.url." + workspace);
        if (url == null) {
            throw new IllegalStateException("emulator workspace " + workspace + " is not running");
        }
        return new EmulatorAdmin(url + "/emulator/admin");
    }

    /** The admin API of the workspace at {@code baseUrl} (scheme://host:port). */
    public static EmulatorAdmin at(String baseUrl) {
        return new EmulatorAdmin(baseUrl + "/emulator/admin");
    }

    public JsonNode addFault(Map<String, Object> fault) {
        return call("POST", "/faults", fault);
    }

    public void clearFaults() {
        call("DELETE", "/faults", null);
    }

    public JsonNode faults() {
        return call("GET", "/faults", null);
    }

    /** Revokes every OAuth token issued to the client. */
    public int revokeClient(String clientId) {
        return call("POST", "/tokens/revoke", Map.of("client_id", clientId)).path("revoked").asInt();
    }

    /** Requests received for {@code METHOD /path} so far (admin calls are not counted). */
    public long count(String methodAndPath) {
        return call("GET", "/requests", null).path("by_route").path(methodAndPath).asLong(0);
    }

    public JsonNode requests() {
        return call("GET", "/requests", null);
    }

    /** Changes the workspace's rate limits now (PUT /emulator/admin/rate-limits; absent fields stay). */
    public JsonNode rateLimits(Map<String, Object> settings) {
        return call("PUT", "/rate-limits", settings);
    }

    /** Back to the configured rate limits, with fresh windows. */
    public void resetRateLimits() {
        call("DELETE", "/rate-limits", null);
    }

    /** Requests of one API family so far: {received, rate_limited, ...}. */
    public JsonNode family(String family) {
        return requests().path("families").path(family);
    }

    /** Forgets the request counts. */
    public void clearRequests() {
        call("DELETE", "/requests", null);
    }

    /** Any admin call ({@code path} below /emulator/admin); an answer other than 2xx throws with its body. */
    public JsonNode call(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("emulator admin " + method + " " + path + " -> " + response.statusCode()
                        + " " + response.body());
            }
            return JSON.readTree(response.body().isBlank() ? "{}" : response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("emulator admin " + method + " " + path + " failed", e);
        }
    }
}
