package dev.lakehouse.gateway.vault;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the vault's token clients (the workspace's OIDC endpoint, Entra ID, Google, the identity provider's token
 * exchange) share: form POSTs, transport failures as passing {@link WorkspaceOAuth.Failure}s naming who did not
 * answer, and answers read leniently (a body that is not JSON reads as an empty object, so the status decides).
 */
final class OAuthHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OAuthHttp() {
    }

    /** A form-encoded POST to {@code url} that accepts JSON. */
    static HttpRequest formPost(String url, String form, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    /** Sends; a timeout, an unreachable host or an interrupt is a passing failure that names {@code who}. */
    static HttpResponse<String> send(HttpClient http, HttpRequest request, String who) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.PASSING, "timeout", 0, null,
                    who + " did not answer in time");
        } catch (IOException e) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.PASSING, "unreachable", 0, null,
                    who + " could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.PASSING, "interrupted", 0, null,
                    "Interrupted while waiting for " + who);
        }
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static String enc(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
