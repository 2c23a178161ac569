package dev.lakehouse.emulator.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import dev.lakehouse.emulator.http.Json;

/**
 * The signing keys of federated issuers, fetched the way a relying party does: {@code {issuer}/.well-known/
 * openid-configuration}, its {@code jwks_uri}, the JWKS. Each issuer's key set is cached for {@link #TTL}; a kid
 * the cached set does not have triggers one refetch (key rotation). Only https URLs are fetched, and (emulator
 * only, for test identity providers) plain http to loopback hosts.
 */
public final class IssuerKeys {

    /** How long a fetched key set is used before it is fetched again. */
    public static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    /** The issuer's keys could not be fetched; the message says which step failed (it names no token). */
    public static final class FetchException extends Exception {
        public FetchException(String message) {
            super(message, null, false, false);
        }
    }

    private record Entry(JWKSet keys, Instant fetchedAt) { }

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * The issuer's keys usable for this JWS: the one with {@code kid}, or every key when the JWS has no kid.
     * Empty when even a fresh key set has no such kid.
     */
    public List<JWK> keys(String issuer, String kid) throws FetchException {
        Entry entry = cache.get(issuer);
        boolean fresh = false;
        if (entry == null || Instant.now().isAfter(entry.fetchedAt().plus(TTL))) {
            entry = fetch(issuer);
            fresh = true;
        }
        List<JWK> found = select(entry.keys(), kid);
        if (found.isEmpty() && !fresh) {
            found = select(fetch(issuer).keys(), kid);
        }
        return found;
    }

    private static List<JWK> select(JWKSet set, String kid) {
        if (kid == null) {
            return set.getKeys();
        }
        JWK key = set.getKeyByKeyId(kid);
        return key == null ? List.of() : List.of(key);
    }

    private Entry fetch(String issuer) throws FetchException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI configUri = fetchable(base + "/.well-known/openid-configuration", "issuer");
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(get(configUri));
        } catch (IOException e) {
            throw new FetchException("the OpenID configuration at " + configUri + " is not JSON");
        }
        if (config == null || !config.isObject()) {
            throw new FetchException("the OpenID configuration at " + configUri + " is not a JSON object");
        }
        JsonNode announced = config.get("issuer");
        if (announced != null && !issuer.equals(announced.asText())) {
            throw new FetchException("the OpenID configuration at " + configUri + " names issuer '"
                    + announced.asText() + "', not '" + issuer + "'");
        }
        JsonNode jwksUri = config.get("jwks_uri");
        if (jwksUri == null || !jwksUri.isTextual() || jwksUri.asText().isBlank()) {
            throw new FetchException("the OpenID configuration at " + configUri + " has no jwks_uri");
        }
        URI keysUri = fetchable(jwksUri.asText(), "jwks_uri");
        JWKSet keys;
        try {
            keys = JWKSet.parse(get(keysUri));
        } catch (ParseException e) {
            throw new FetchException("the JWKS at " + keysUri + " is not a valid JWK set: " + e.getMessage());
        }
        Entry entry = new Entry(keys, Instant.now());
        cache.put(issuer, entry);
        return entry;
    }

    private String get(URI uri) throws FetchException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new FetchException("GET " + uri + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new FetchException("GET " + uri + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("GET " + uri + " was interrupted");
        }
    }

    /** The URL when it may be fetched: https, or http to a loopback host; else why not. */
    private static URI fetchable(String url, String what) throws FetchException {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !(isHttps(uri) || isLoopbackHttp(uri))) {
                throw new FetchException("the " + what + " URL " + url + " is neither https nor http to a loopback host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new FetchException("the " + what + " URL " + url + " is not a valid URL");
        }
    }

    static boolean isHttps(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme());
    }

    /** Plain http to 127.0.0.1, localhost or [::1]: what the emulator accepts besides https, for test IdPs. */
    public static boolean isLoopbackHttp(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                && LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
    }
}
