package dev.lakehouse.gateway.identity.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.lakehouse.gateway.support.Ports;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Keycloak (the {@code keycloak-quarkus-dist} archive the build copies to {@code target/keycloak-dist/}) with
 * the realms of {@code keycloak-realm/} imported, started once per test JVM on a free loopback port.
 *
 * <p>Keycloak needs Java 21+: the current JVM is used when it is new enough, otherwise the first suitable JDK found
 * under {@code $JAVA_HOME} or {@code /usr/lib/jvm/*} (each JDK's {@code release} file tells its version).
 *
 * <p>The realm files carry the placeholder {@code ${KEYCLOAK_URL:http://127.0.0.1:8180}} where the realm needs its
 * own public address (the {@code globex-corp} identity provider); it is replaced by {@link #baseUrl()} when the files
 * are written to {@code data/import/}. The server runs with {@code --hostname=<baseUrl>}, so every token's {@code iss}
 * is {@link #issuer()} whichever loopback name the caller used.
 */
public final class KeycloakTestServer {

    public static final String REALM = "mcp-gateway";
    public static final String CORPORATE_REALM = "globex-corp";
    /** The gateway's canonical MCP URL: the audience the {@code mcp-gateway} client scope adds. */
    public static final String MCP_RESOURCE = "http://localhost:8080/mcp";
    public static final String URL_PLACEHOLDER = "${KEYCLOAK_URL:http://127.0.0.1:8180}";
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeycloakTestServer shared;

    private final Path home;
    private final Path log;
    private final Path javaHome;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Process process;
    private volatile Duration lastStartTime;

    private KeycloakTestServer(Path home, Path javaHome, int port) {
        this.home = home;
        this.javaHome = javaHome;
        this.port = port;
        this.log = home.getParent().resolve("keycloak.log");
    }

    /** The Keycloak of this test JVM, started on first use (20–60 s), stopped by a shutdown hook. */
    public static synchronized KeycloakTestServer shared() {
        if (shared == null) {
            Path project = projectDir();
            Path home = extract(project);
            KeycloakTestServer server = new KeycloakTestServer(home, findJdk(), Ports.free());
            server.prepareData(project.resolve("keycloak-realm"));
            Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "keycloak-shutdown"));
            server.start();
            shared = server;
        }
        if (!shared.isRunning()) {
            shared.start();
        }
        return shared;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Issuer of realm {@code mcp-gateway}. */
    public String issuer() {
        return realmUrl(REALM);
    }

    public String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    public String tokenEndpoint(String realm) {
        return realmUrl(realm) + "/protocol/openid-connect/token";
    }

    public String jwksUri() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    public Path logFile() {
        return log;
    }

    /** How long the last start took until the realm's discovery document answered. */
    public Duration lastStartTime() {
        return lastStartTime;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** A client-credentials access token of realm {@code mcp-gateway}; {@code scopes} are requested in addition. */
    public String tokenFor(String clientId, String secret, String... scopes) {
        return clientCredentials(REALM, clientId, secret, scopes).get("access_token").asText();
    }

    /** The whole token response of a client-credentials grant (access_token, expires_in, scope, ...). */
    public JsonNode clientCredentials(String realm, String clientId, String secret, String... scopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        if (scopes.length > 0) {
            form.put("scope", String.join(" ", scopes));
        }
        return postForm(tokenEndpoint(realm), form);
    }

    /**
     * A token of realm {@code globex-corp}: well formed, audience {@link #MCP_RESOURCE} and {@code organization
     * ["globex"]}, but another issuer and other signing keys — the gateway must reject it.
     */
    public String tokenFromOtherIssuer() {
        return clientCredentials(CORPORATE_REALM, "globex-internal-app", "globex-internal-app-secret")
                .get("access_token").asText();
    }

    /** An access token of the master realm's admin (for the admin REST API under {@code /admin/realms/...}). */
    public String adminToken() {
        return postForm(tokenEndpoint("master"), Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", ADMIN_USER, "password", ADMIN_PASSWORD)).get("access_token").asText();
    }

    /** Stops Keycloak (graceful, then forced); data and port are kept for {@link #restart()}. */
    public synchronized void stop() {
        destroy();
        waitForPortFree();
    }

    /** Starts Keycloak again on the same port with the same data (realms, users, brokered users, DCR clients). */
    public synchronized void restart() {
        stop();
        start();
    }

    /** The JSON payload of a JWT (no signature check). */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT: " + jwt);
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode postForm(String url, Map<String, String> form) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form))).build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST " + url + " -> " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private HttpResponse<String> send(HttpRequest request) {
        return send(http, request);
    }

    /** One request on the given client (with its own cookie jar, for logins), failures unchecked. */
    static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- process

    private synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-host=127.0.0.1", "--hostname=" + baseUrl(), "--import-realm");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", javaHome.toString());
        env.put("PATH", javaHome.resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("KEYCLOAK_URL", baseUrl());
        env.remove("JAVA_OPTS");
        env.remove("JAVA_TOOL_OPTIONS");
        long started = System.nanoTime();
        try {
            Files.writeString(log, "\n==== " + String.join(" ", command) + " (JAVA_HOME=" + javaHome + ")\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        awaitReady();
        lastStartTime = Duration.ofNanos(System.nanoTime() - started);
    }

    private void awaitReady() {
        URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "\n" + logTail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException ignored) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        destroy();
        throw new IllegalStateException("Keycloak not ready within " + STARTUP_TIMEOUT.toSeconds() + " s at "
                + discovery + "\n" + logTail());
    }

    private void destroy() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (ProcessHandle h : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process = null;
    }

    private void waitForPortFree() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return;
            } catch (IOException busy) {
                sleep(200);
            }
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "---- last lines of " + log + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e + ")";
        }
    }

    // ---------------------------------------------------------------------------------------------- setup

    private static Path projectDir() {
        String basedir = System.getProperty("basedir");
        Path dir = Paths.get(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("keycloak-realm"))) {
            throw new IllegalStateException("no keycloak-realm/ under " + dir);
        }
        return dir;
    }

    /** Extracts the archive into target/keycloak/ unless this version is there already; returns the server home. */
    private static Path extract(Path project) {
        String version = System.getProperty("keycloak.version", "unknown");
        Path archive = Paths.get(System.getProperty("keycloak.archive",
                project.resolve("target/keycloak-dist/keycloak.tar.gz").toString()));
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Keycloak archive missing: " + archive
                    + " (run mvn generate-test-resources: the build copies org.keycloak:keycloak-quarkus-dist)");
        }
        Path root = project.resolve("target/keycloak");
        Path marker = root.resolve(".extracted");
        String stamp = version + " " + archive + " " + size(archive);
        try {
            if (!Files.exists(marker) || !Files.readString(marker).equals(stamp)) {
                deleteTree(root);
                Files.createDirectories(root);
                run(root, "tar", "-xzf", archive.toString(), "-C", root.toString());
                Files.writeString(marker, stamp);
            }
            try (Stream<Path> children = Files.list(root)) {
                return children.filter(p -> Files.isRegularFile(p.resolve("bin/kc.sh"))).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no bin/kc.sh under " + root));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fresh database for each test JVM (the port, hence the broker URLs, changes), realm files with the URL filled. */
    private void prepareData(Path realmDir) {
        try {
            Path data = home.resolve("data");
            deleteTree(data);
            Path importDir = Files.createDirectories(data.resolve("import"));
            try (Stream<Path> files = Files.list(realmDir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8).replace(URL_PLACEHOLDER, baseUrl());
                    Files.writeString(importDir.resolve(file.getFileName()), text, StandardCharsets.UTF_8);
                }
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The current JVM if it is Java 21+, else a JDK 21+ from $JAVA_HOME or /usr/lib/jvm (newest first). */
    public static Path findJdk() {
        if (Runtime.version().feature() >= 21) {
            return Paths.get(System.getProperty("java.home"));
        }
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("JAVA_HOME")).map(Paths::get).ifPresent(candidates::add);
        for (String root : List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt")) {
            Path dir = Paths.get(root);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> children = Files.list(dir)) {
                    children.filter(Files::isDirectory).forEach(candidates::add);
                } catch (IOException ignored) {
                    // unreadable: skip
                }
            }
        }
        return candidates.stream().distinct()
                .filter(p -> Files.isExecutable(p.resolve("bin/java")))
                .filter(p -> javaFeatureVersion(p) >= 21)
                .max(Comparator.comparingInt(KeycloakTestServer::javaFeatureVersion))
                .orElseThrow(() -> new IllegalStateException("Keycloak needs Java 21+: this JVM is "
                        + Runtime.version() + " and none of " + candidates + " is a JDK 21+ (set JAVA_HOME)"));
    }

    /** The feature version from a JDK's release file (JAVA_VERSION="25.0.3" -> 25, "1.8.0_402" -> 8), else -1. */
    static int javaFeatureVersion(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                    String[] parts = v.split("[._+-]");
                    int first = Integer.parseInt(parts[0]);
                    return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no or odd release file
        }
        return -1;
    }


    private static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
