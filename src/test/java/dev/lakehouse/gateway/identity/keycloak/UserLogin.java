package dev.lakehouse.gateway.identity.keycloak;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A headless browser for Keycloak's login pages: authorization code + PKCE (S256) with {@link HttpClient} and a
 * cookie jar. Redirects are followed by hand until one points at the redirect URI; the {@code code} is read from that
 * Location header (nothing listens on the redirect URI) and exchanged at the token endpoint with the verifier.
 *
 * <p>Forms are recognised by their inputs: a page with {@code username} and/or {@code password} gets the credentials
 * of the realm the form belongs to (realm {@code mcp-gateway} has organizations on, so its first page is
 * identity-first: username only, then password); a consent page ({@code accept}) is accepted.
 */
public final class UserLogin {

    /** MCP Inspector's callback; nothing needs to listen there. */
    public static final String INSPECTOR_REDIRECT = "http://localhost:6274/oauth/callback";
    public static final String INSPECTOR_CLIENT = "mcp-inspector";

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTR = Pattern.compile("([a-zA-Z_:-]+)\\s*=\\s*(\"([^\"]*)\"|'([^']*)')", Pattern.DOTALL);
    private static final Pattern HREF = Pattern.compile("href=\"([^\"]*/broker/[^\"/]+/login[^\"]*)\"");
    private static final Pattern ERROR = Pattern.compile(
            "(?s)(?:id=\"input-error[^\"]*\"|class=\"[^\"]*(?:alert|kc-feedback-text|pf-m-danger)[^\"]*\")[^>]*>(.*?)</");
    private static final int MAX_STEPS = 20;

    /** What the token endpoint answered. */
    public record Tokens(String accessToken, String refreshToken, String idToken, String scope, JsonNode response) {

        public JsonNode claims() {
            return KeycloakTestServer.claims(accessToken);
        }
    }

    private final KeycloakTestServer keycloak;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUri;
    private final HttpClient http;

    private UserLogin(KeycloakTestServer keycloak, String clientId, String clientSecret, String redirectUri) {
        this.keycloak = keycloak;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
        this.http = HttpClient.newBuilder().cookieHandler(new LoopbackCookies()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A login session (own cookie jar) for a public client such as {@code mcp-inspector} or a DCR-registered one. */
    public static UserLogin of(KeycloakTestServer keycloak, String clientId, String redirectUri) {
        return new UserLogin(keycloak, clientId, null, redirectUri);
    }

    /** Same, for a confidential client (the secret is sent at the token endpoint). */
    public static UserLogin of(KeycloakTestServer keycloak, String clientId, String clientSecret, String redirectUri) {
        return new UserLogin(keycloak, clientId, clientSecret, redirectUri);
    }

    /** A user of realm {@code mcp-gateway} logs in to {@code mcp-inspector} with its default scopes plus {@code scopes}. */
    public static Tokens login(KeycloakTestServer keycloak, String username, String password, String... scopes) {
        return of(keycloak, INSPECTOR_CLIENT, INSPECTOR_REDIRECT).password(username, password, scopes);
    }

    /**
     * A user of the corporate realm {@code globex-corp} logs in to {@code mcp-inspector} through the {@code globex-corp}
     * identity provider: on the first page, the provider's link if the page shows one, else the email (its domain
     * routes to the organization's identity provider); then the corporate realm's login form; then back.
     */
    public static Tokens loginViaBroker(KeycloakTestServer keycloak, String email, String corporateUsername,
            String password, String... scopes) {
        return of(keycloak, INSPECTOR_CLIENT, INSPECTOR_REDIRECT)
                .broker("globex-corp", email, corporateUsername, password, scopes);
    }

    /** Username and password on realm {@code mcp-gateway}'s own forms. */
    public Tokens password(String username, String password, String... scopes) {
        return run(scopes, null, null, username, password);
    }

    /** Through identity provider {@code idpAlias}; credentials are typed on the provider's realm only. */
    public Tokens broker(String idpAlias, String email, String username, String password, String... scopes) {
        return run(scopes, idpAlias, email, username, password);
    }

    private Tokens run(String[] scopes, String idpAlias, String email, String username, String password) {
        String verifier = random(48);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
        String state = random(16);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri);
        query.put("scope", scopes.length == 0 ? "openid" : "openid " + String.join(" ", scopes));
        query.put("state", state);
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        URI next = URI.create(keycloak.issuer() + "/protocol/openid-connect/auth?" + KeycloakTestServer.formBody(query));
        HttpRequest request = HttpRequest.newBuilder(next).GET().build();
        String ownRealm = "/realms/" + KeycloakTestServer.REALM + "/";
        boolean brokered = false;
        java.util.Set<String> passwordSentTo = new java.util.HashSet<>();
        StringBuilder trail = new StringBuilder();
        for (int step = 0; step < MAX_STEPS; step++) {
            HttpResponse<String> response = send(request);
            trail.append(request.method()).append(' ').append(request.uri()).append(" -> ").append(response.statusCode())
                    .append('\n');
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                String location = response.headers().firstValue("Location")
                        .orElseThrow(() -> new IllegalStateException("redirect without Location\n" + trail));
                URI target = request.uri().resolve(location);
                if (target.toString().startsWith(redirectUri)) {
                    Map<String, String> params = query(target);
                    if (params.containsKey("error")) {
                        throw new IllegalStateException("authorization failed: " + params + "\n" + trail);
                    }
                    if (!state.equals(params.get("state"))) {
                        throw new IllegalStateException("state mismatch: " + target);
                    }
                    return exchange(params.get("code"), verifier);
                }
                request = HttpRequest.newBuilder(target).GET().build();
                continue;
            }
            if (status != 200) {
                throw new IllegalStateException("unexpected " + status + " at " + request.uri() + ": "
                        + response.body() + "\n" + trail);
            }
            String html = response.body();
            if (idpAlias != null && !brokered) {
                Matcher link = HREF.matcher(html);
                while (link.find()) {
                    String href = unescape(link.group(1));
                    if (href.contains("/broker/" + idpAlias + "/login")) {
                        brokered = true;
                        request = HttpRequest.newBuilder(request.uri().resolve(href)).GET().build();
                        break;
                    }
                }
                if (brokered) {
                    continue;
                }
            }
            java.util.Optional<Form> parsed = Form.parse(html);
            if (parsed.isEmpty()) {
                throw new IllegalStateException("no form at " + request.uri() + pageError(html) + "\n" + trail);
            }
            Form form = parsed.get();
            boolean onOwnRealm = form.action.contains(ownRealm);
            if (form.consent) {
                form.fields.put("accept", "Yes");
            } else if (idpAlias != null && onOwnRealm) {
                if (!form.has("username") || form.has("password")) {
                    throw new IllegalStateException("unexpected form on realm " + KeycloakTestServer.REALM
                            + " while brokering: " + form.fields.keySet() + pageError(html) + "\n" + trail);
                }
                brokered = true;
                form.fields.put("username", email);
            } else if (form.has("username") || form.has("password")) {
                String realm = realmOf(form.action);
                if (form.has("password") && !passwordSentTo.add(realm)) {
                    throw new IllegalStateException("login rejected on " + realm + pageError(html) + "\n" + trail);
                }
                if (form.has("username")) {
                    form.fields.put("username", username);
                }
                if (form.has("password")) {
                    form.fields.put("password", password);
                }
            } else {
                throw new IllegalStateException("unexpected form " + form.fields.keySet() + " at " + request.uri()
                        + pageError(html) + "\n" + trail);
            }
            request = HttpRequest.newBuilder(request.uri().resolve(form.action))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(KeycloakTestServer.formBody(form.fields))).build();
        }
        throw new IllegalStateException("no code after " + MAX_STEPS + " steps\n" + trail);
    }

    private Tokens exchange(String code, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        JsonNode r = keycloak.postForm(keycloak.tokenEndpoint(KeycloakTestServer.REALM), form);
        return new Tokens(r.path("access_token").asText(null), r.path("refresh_token").asText(null),
                r.path("id_token").asText(null), r.path("scope").asText(null), r);
    }

    private HttpResponse<String> send(HttpRequest request) {
        return KeycloakTestServer.send(http, request);
    }

    /**
     * Keycloak marks its cookies {@code Secure} even on plain-http loopback (browsers treat localhost as a secure
     * context); {@link CookieManager} would never send them back over http, so the attribute is dropped on receipt.
     */
    private static final class LoopbackCookies extends CookieManager {

        LoopbackCookies() {
            super(null, CookiePolicy.ACCEPT_ALL);
        }

        @Override
        public void put(URI uri, Map<String, java.util.List<String>> responseHeaders) throws IOException {
            Map<String, java.util.List<String>> headers = new LinkedHashMap<>();
            responseHeaders.forEach((name, values) -> headers.put(name, name != null
                    && name.toLowerCase().startsWith("set-cookie")
                    ? values.stream().map(v -> v.replaceAll("(?i);\\s*Secure(?=;|$)", "")).toList() : values));
            super.put(uri, headers);
        }
    }

    /** The login form of a page: the one with id kc-form-login, else the first with an action. */
    private static final class Form {
        final String action;
        final Map<String, String> fields = new LinkedHashMap<>();
        /** The OAuth grant (consent) page: its submit buttons are named accept and cancel. */
        final boolean consent;

        private Form(String action, String body) {
            this.action = action;
            this.consent = Pattern.compile("name=\"accept\"").matcher(body).find();
            Matcher input = INPUT.matcher(body);
            while (input.find()) {
                Map<String, String> attrs = attrs(input.group(1));
                String name = attrs.get("name");
                String type = attrs.getOrDefault("type", "text").toLowerCase();
                if (name == null || type.equals("checkbox") || type.equals("radio")) {
                    continue;
                }
                fields.put(name, attrs.getOrDefault("value", ""));
            }
        }

        boolean has(String name) {
            return fields.containsKey(name);
        }

        static java.util.Optional<Form> parse(String html) {
            Form first = null;
            Matcher m = FORM.matcher(html);
            while (m.find()) {
                Map<String, String> attrs = attrs(m.group(1));
                if (attrs.get("action") == null) {
                    continue;
                }
                Form form = new Form(attrs.get("action"), m.group(2));
                if ("kc-form-login".equals(attrs.get("id"))) {
                    return java.util.Optional.of(form);
                }
                if (first == null) {
                    first = form;
                }
            }
            return java.util.Optional.ofNullable(first);
        }
    }

    private static Map<String, String> attrs(String tag) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher a = ATTR.matcher(tag);
        while (a.find()) {
            attrs.put(a.group(1).toLowerCase(), unescape(a.group(3) != null ? a.group(3) : a.group(4)));
        }
        return attrs;
    }

    private static String pageError(String html) {
        Matcher m = ERROR.matcher(html);
        return m.find() ? " (page says: " + m.group(1).replaceAll("<[^>]+>", "").trim() + ")" : "";
    }

    static String unescape(String s) {
        Matcher m = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|quot|apos|lt|gt|#39);").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e) {
                case "amp" -> "&";
                case "quot" -> "\"";
                case "apos", "#39" -> "'";
                case "lt" -> "<";
                case "gt" -> ">";
                default -> e.startsWith("#x") ? String.valueOf((char) Integer.parseInt(e.substring(2), 16))
                        : String.valueOf((char) Integer.parseInt(e.substring(1)));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(r));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String realmOf(String action) {
        Matcher m = Pattern.compile("/realms/([^/]+)/").matcher(action);
        return m.find() ? m.group(1) : action;
    }
}
