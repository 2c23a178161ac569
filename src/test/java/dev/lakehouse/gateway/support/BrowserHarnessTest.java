package dev.lakehouse.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Cookie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.lakehouse.emulator.EmulatorProperties;
import dev.lakehouse.emulator.EmulatorServer;
import dev.lakehouse.emulator.Workspace;
import dev.lakehouse.emulator.auth.Pkce;

/**
 * Proves the real-browser harness against a page that exists: the workspace emulator's U2M sign-in and consent
 * page, in headless Chromium. The redirect URI is a loopback JDK server, so the browser lands on a real page and
 * the test sees exactly what reached the client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class BrowserHarnessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String USER = "alice@acme.example";
    private static final String PASSWORD = "acme-password";

    private EmulatorServer emulator;
    private Workspace acme;
    private HttpServer client;
    private String redirectUri;
    private String clientId;
    /** Raw query strings of the requests that reached the redirect URI, in order. */
    private final List<String> callbacks = new CopyOnWriteArrayList<>();
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        Browser.assumeAvailable();
        EmulatorProperties properties = new EmulatorProperties();
        properties.getAdmin().setEnabled(true);
        properties.getWorkspaces().put("acme", new EmulatorProperties.WorkspaceProperties());
        properties.getData().setTpchScaleFactor(0.001);
        properties.getData().setNyctaxiTrips(100);
        emulator = new EmulatorServer(properties).start();
        acme = emulator.workspace("acme");

        // the OAuth client's redirect target: answers "done" and records the query (a cookie page for the
        // isolation test)
        client = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        client.createContext("/callback", exchange -> {
            callbacks.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            respond(exchange, "<!DOCTYPE html><html><head><title>done</title></head><body><p>done</p></body></html>");
        });
        client.createContext("/set-cookie", exchange -> {
            exchange.getResponseHeaders().add("Set-Cookie", "session=browser-a; Path=/; Max-Age=3600; HttpOnly");
            respond(exchange, "<!DOCTYPE html><html><body><p>cookie set</p></body></html>");
        });
        client.createContext("/show-cookie", exchange -> respond(exchange, "<!DOCTYPE html><html><body><p>cookie: "
                + exchange.getRequestHeaders().getOrDefault("Cookie", List.of("none")) + "</p></body></html>"));
        client.start();
        redirectUri = "http://127.0.0.1:" + client.getAddress().getPort() + "/callback";

        // a public app (PKCE only) whose redirect URI is the loopback server, registered as an admin would
        HttpResponse<String> app = HTTP.send(HttpRequest.newBuilder(URI.create(acme.url() + "/emulator/admin/oauth-apps"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                        "redirect_uris", List.of(redirectUri), "confidential", false))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(app.statusCode()).as(app.body()).isEqualTo(200);
        clientId = JSON.readTree(app.body()).get("client_id").asText();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.stop(0);
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        callbacks.clear();
        browser = new Browser();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void signInAndAllowRedirectsWithACodeThatExchangesForTokens() throws Exception {
        String verifier = "verifier-" + UUID.randomUUID() + "-" + UUID.randomUUID();
        String state = "state-" + UUID.randomUUID();

        browser.open(authorizeUrl(state, Pkce.s256(verifier)));
        browser.waitForText("Sign in to acme");
        assertThat(browser.title()).isEqualTo("Sign in to acme (Databricks workspace emulator)");
        assertThat(browser.text()).contains("Application " + clientId + " requests access to workspace acme",
                "all-apis offline_access");
        Path shot = browser.screenshot(Path.of("emulator-consent.png"));
        byte[] png = Files.readAllBytes(shot);
        assertThat(shot).startsWith(Browser.SCREENSHOTS);
        assertThat(Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        assertThat(png.length).isGreaterThan(5_000);

        browser.fill("username", USER).fill("password", PASSWORD).click("button[value=allow]");
        String landed = browser.waitForUrl(redirectUri + "?");
        browser.waitForText("done");

        Map<String, String> params = query(URI.create(landed).getRawQuery());
        assertThat(params).containsEntry("state", state).containsKey("code").doesNotContainKey("error");
        assertThat(callbacks).hasSize(1);
        assertThat(query(callbacks.get(0))).isEqualTo(params);

        // the code the browser carried is real: it exchanges (with the PKCE verifier) for alice's tokens
        HttpResponse<String> tokens = form(acme.url() + "/oidc/v1/token", Map.of("grant_type", "authorization_code",
                "code", params.get("code"), "code_verifier", verifier, "redirect_uri", redirectUri,
                "client_id", clientId));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        String access = JSON.readTree(tokens.body()).get("access_token").asText();
        HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(URI.create(acme.url() + "/api/2.0/preview/scim/v2/Me"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + access).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode user = JSON.readTree(me.body());
        assertThat(user.get("userName").asText()).isEqualTo(USER);
    }

    @Test
    void wrongPasswordShowsTheErrorWithoutRedirectAndTheFormStillWorks() {
        String state = "state-" + UUID.randomUUID();
        browser.open(authorizeUrl(state, Pkce.s256("verifier-" + UUID.randomUUID() + UUID.randomUUID())));
        browser.fill("username", USER).fill("password", "not-the-password").click("button[value=allow]");

        browser.waitForText("Invalid user name or password.");
        assertThat(browser.currentUrl()).startsWith(acme.url() + "/oidc/v1/authorize");
        assertThat(callbacks).isEmpty();

        // the re-rendered form carried the request along: signing in properly now completes it
        browser.fill("username", USER).fill("password", PASSWORD).click("button[value=allow]");
        Map<String, String> params = query(URI.create(browser.waitForUrl(redirectUri + "?")).getRawQuery());
        assertThat(params).containsEntry("state", state).containsKey("code");
    }

    @Test
    void denyRedirectsWithAccessDenied() {
        String state = "state-" + UUID.randomUUID();
        browser.open(authorizeUrl(state, Pkce.s256("verifier-" + UUID.randomUUID() + UUID.randomUUID())));
        browser.click("button[value=deny]");

        Map<String, String> params = query(URI.create(browser.waitForUrl(redirectUri + "?")).getRawQuery());
        assertThat(params).containsEntry("error", "access_denied").containsEntry("state", state)
                .doesNotContainKey("code");
        browser.waitForText("done");
        assertThat(callbacks).hasSize(1);
    }

    @Test
    void eachBrowserHasItsOwnProfileSoCookiesNeverLeak() {
        String base = "http://127.0.0.1:" + client.getAddress().getPort();
        browser.open(base + "/set-cookie").waitForText("cookie set");
        assertThat(browser.driver().manage().getCookieNamed("session")).extracting(Cookie::getValue)
                .isEqualTo("browser-a");
        browser.open(base + "/show-cookie").waitForText("cookie: [session=browser-a]");
        browser.close(); // a persistent cookie is now on disk in that profile
        browser = null;

        try (Browser next = new Browser()) {
            next.open(base + "/show-cookie").waitForText("cookie: [none]");
            assertThat(next.driver().manage().getCookies()).isEmpty();
        }
    }

    private String authorizeUrl(String state, String challenge) {
        return acme.url() + "/oidc/v1/authorize?response_type=code&client_id=" + enc(clientId) + "&redirect_uri="
                + enc(redirectUri) + "&state=" + enc(state) + "&code_challenge=" + challenge
                + "&code_challenge_method=S256&scope=" + enc("all-apis offline_access");
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String html) throws java.io.IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static HttpResponse<String> form(String url, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty() || "null".equals(rawQuery)) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
