package dev.lakehouse.emulator.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Router;

/**
 * The U2M login-and-consent page. GET renders a form that carries the authorization request in
 * hidden fields; POST checks the user's password and consent and redirects to the client's
 * registered redirect URI with {@code code} and {@code state} (or {@code error=access_denied}).
 * Requests with an unknown client or unregistered redirect URI are never redirected.
 */
public final class AuthorizePage {

    private static final List<String> CARRIED = List.of(
            "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method");

    private final OAuthSettings oauth;
    private final IdentityDirectory identities;
    private final TokenStore tokens;
    private final String workspaceName;

    public AuthorizePage(String workspaceName, OAuthSettings oauth, IdentityDirectory identities,
                         TokenStore tokens) {
        this.workspaceName = workspaceName;
        this.oauth = oauth;
        this.identities = identities;
        this.tokens = tokens;
    }

    public void register(Router router) {
        router.addPublic("GET", "/oidc/v1/authorize", this::show);
        router.addPublic("POST", "/oidc/v1/authorize", this::submit);
    }

    private ApiResponse show(ApiRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : CARRIED) {
            if (request.query(name) != null) {
                params.put(name, request.query(name));
            }
        }
        ApiResponse problem = validate(params);
        return problem != null ? problem : ApiResponse.html(200, form(params, null));
    }

    private ApiResponse submit(ApiRequest request) {
        Map<String, String> form = request.form();
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : CARRIED) {
            if (form.get(name) != null) {
                params.put(name, form.get(name));
            }
        }
        ApiResponse problem = validate(params);
        if (problem != null) {
            return problem;
        }
        if (!"allow".equals(form.get("decision"))) {
            return redirectError(params, "access_denied", "The user denied the request");
        }
        Principal user = identities.login(form.get("username"), form.get("password"));
        if (user == null) {
            return ApiResponse.html(401, form(params, "Invalid user name or password."));
        }
        String scope = params.getOrDefault("scope", "all-apis");
        TokenStore.AuthCode code = tokens.issueCode(params.get("client_id"), params.get("redirect_uri"),
                params.get("code_challenge"), scope, user, oauth.authorizationCodeLifetime());
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("code", code.code());
        if (params.get("state") != null) {
            reply.put("state", params.get("state"));
        }
        return ApiResponse.redirect(withQuery(params.get("redirect_uri"), reply));
    }

    /** An error page or error redirect when the request is unacceptable, else null. */
    private ApiResponse validate(Map<String, String> params) {
        IdentityDirectory.OAuthApp app = identities.app(params.get("client_id"));
        if (app == null) {
            return ApiResponse.html(400, page("Unknown OAuth client",
                    "<p>No OAuth application is registered with client_id <code>"
                            + escape(params.get("client_id")) + "</code>.</p>"));
        }
        // exact string match, as Databricks does: no prefix, no normalisation
        if (!app.redirectUris().contains(params.get("redirect_uri"))) {
            return ApiResponse.html(400, page("Invalid redirect URI",
                    "<p>The redirect_uri <code>" + escape(params.get("redirect_uri"))
                            + "</code> is not registered for this application.</p>"));
        }
        if (!"code".equals(params.get("response_type"))) {
            return redirectError(params, "unsupported_response_type", "Only response_type=code is supported");
        }
        if (params.get("code_challenge") == null || !"S256".equals(params.get("code_challenge_method"))) {
            return redirectError(params, "invalid_request", "PKCE with code_challenge_method=S256 is required");
        }
        return null;
    }

    private static ApiResponse redirectError(Map<String, String> params, String error, String description) {
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("error", error);
        reply.put("error_description", description);
        if (params.get("state") != null) {
            reply.put("state", params.get("state"));
        }
        return ApiResponse.redirect(withQuery(params.get("redirect_uri"), reply));
    }

    private static String withQuery(String uri, Map<String, String> params) {
        StringBuilder out = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
        params.forEach((k, v) -> out.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        out.setLength(out.length() - 1);
        return out.toString();
    }

    private String form(Map<String, String> params, String error) {
        StringBuilder body = new StringBuilder();
        body.append("<p>Application <strong>").append(escape(params.get("client_id")))
                .append("</strong> requests access to workspace <strong>").append(escape(workspaceName))
                .append("</strong> with scope <code>").append(escape(params.getOrDefault("scope", "all-apis")))
                .append("</code>.</p>");
        if (error != null) {
            body.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
        }
        body.append("<form method=\"post\" action=\"/oidc/v1/authorize\">");
        params.forEach((k, v) -> body.append("<input type=\"hidden\" name=\"").append(escape(k))
                .append("\" value=\"").append(escape(v)).append("\">"));
        body.append("<label>User <input name=\"username\" autocomplete=\"username\"></label><br>")
                .append("<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label><br>")
                .append("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button> ")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>")
                .append("</form>");
        return page("Sign in to " + workspaceName + " (Databricks workspace emulator)", body.toString());
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>"
                + "<body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
