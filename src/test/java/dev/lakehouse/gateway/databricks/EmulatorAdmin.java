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
final class EmulatorAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    private EmulatorAdmin(String base) {
        this.base = base;
    }

    static EmulatorAdmin of(Environment environment, String workspace) {
        String url = environment.getProperty("emulator.url." + workspace);
        if (url == null) {
            throw new IllegalStateException("emulator workspace " + workspace + " is not running");
        }
        return new EmulatorAdmin(url + "/emulator/admin");
    }

    JsonNode addFault(Map<String, Object> fault) {
        return call("POST", "/faults", fault);
    }

    void clearFaults() {
        call("DELETE", "/faults", null);
    }

    JsonNode faults() {
        return call("GET", "/faults", null);
    }

    /** Revokes every OAuth token issued to the client. */
    int revokeClient(String clientId) {
        return call("POST", "/tokens/revoke", Map.of("client_id", clientId)).path("revoked").asInt();
    }

    /** Requests received for {@code METHOD /path} so far (admin calls are not counted). */
    long count(String methodAndPath) {
        return call("GET", "/requests", null).path("by_route").path(methodAndPath).asLong(0);
    }

    JsonNode requests() {
        return call("GET", "/requests", null);
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
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
