package dev.lakehouse.gateway.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Shared by the vault tests: admin API calls, a U2M sign-in at the emulator over HTTP, throwaway PostgreSQL databases. */
final class VaultTesting {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    static final String PG_SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String REDIRECT = "http://127.0.0.1:9/vault-test/callback";

    private VaultTesting() {
    }

    /** A JSON admin API call; {@code body} null sends none. */
    static HttpResponse<String> admin(int port, String method, String path, Object body, String bearer) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin" + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(
                            body instanceof String s ? s : JSON.writeValueAsString(body)));
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    /** A 4xx of the admin API whose message says what to fix. */
    static void assertRefused(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response.body()).path("message").asText()).contains(message);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /**
     * Signs {@code user} in at the workspace's authorize page (login + consent form, PKCE S256) and returns the code
     * and its verifier: what a browser and the connect page would do.
     */
    static String[] signIn(String workspace, String clientId, String user, String password) throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("response_type", "code");
        form.put("client_id", clientId);
        form.put("redirect_uri", REDIRECT);
        form.put("scope", "all-apis offline_access");
        form.put("state", UUID.randomUUID().toString());
        form.put("code_challenge", challenge);
        form.put("code_challenge_method", "S256");
        form.put("username", user);
        form.put("password", password);
        form.put("decision", "allow");
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(workspace + "/oidc/v1/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 302) {
            throw new AssertionError("sign-in failed: " + response.statusCode() + " " + response.body());
        }
        String location = response.headers().firstValue("Location").orElseThrow();
        String code = null;
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                code = java.net.URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        return new String[] {code, verifier};
    }

    /** Whether the machine's PostgreSQL answers (CI runs the vault tests against it; elsewhere they are skipped). */
    static boolean postgresReachable() {
        try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres", "postgres", "")) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A new empty database named {@code prefix_<random>}; databases of this prefix left by earlier runs are dropped
     * first (a Spring test context outlives its test class, so a database cannot be dropped right after it).
     */
    static String freshPostgresDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres", "postgres", "")) {
            try (ResultSet old = c.createStatement().executeQuery(
                    "SELECT datname FROM pg_database WHERE datname LIKE '" + prefix + "\\_%'")) {
                java.util.List<String> stale = new java.util.ArrayList<>();
                while (old.next()) {
                    stale.add(old.getString(1));
                }
                for (String db : stale) {
                    c.createStatement().execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
            }
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL database " + name + " could not be made", e);
        }
        return PG_SERVER + name;
    }
}
