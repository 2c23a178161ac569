package dev.lakehouse.gateway.vault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import static dev.lakehouse.gateway.vault.OAuthHttp.enc;
import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.databricks.DatabricksProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Microsoft Entra ID for Azure workspaces: the workspace's tenant, read
 * from the {@code /aad/auth} redirect as the SDKs read it, and client-credentials tokens of a service principal for
 * the Azure Databricks resource (and the Azure management resource, for the header that lets Azure Databricks add a
 * Contributor service principal to the workspace). AADSTS codes decide the connection's status class and its fix.
 */
@Component
public class EntraOAuth {

    /** The headers Azure Databricks reads to add a Contributor service principal that is not yet a workspace user. */
    public static final String MANAGEMENT_TOKEN_HEADER = "X-Databricks-Azure-SP-Management-Token";
    public static final String RESOURCE_ID_HEADER = "X-Databricks-Azure-Workspace-Resource-Id";

    /** The Azure Databricks first-party application: the resource (audience) of its tokens. */
    public static final String AZURE_DATABRICKS_RESOURCE = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
    public static final String MANAGEMENT_RESOURCE = "https://management.core.windows.net/";
    private static final Pattern TENANT = Pattern.compile("^/([0-9a-fA-F-]{36})/oauth2/");
    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");

    private final HttpClient http;
    private final DatabricksProperties properties;
    private final String loginUrl;
    private final VaultHosts hosts;

    /**
     * @param loginUrl Entra's base URL ({@code https://login.microsoftonline.com}; {@code emulator:NAME/entra}, the
     *                 emulator's Entra-like service, in tests)
     */
    public EntraOAuth(DatabricksProperties properties, VaultHosts hosts,
            @Value("${gateway.vault.azure-login-url:https://login.microsoftonline.com}") String loginUrl) {
        this.properties = properties;
        this.hosts = hosts;
        this.loginUrl = loginUrl;
        this.http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The Entra tenant of an Azure workspace: the first path segment of its {@code /aad/auth} redirect. */
    public String tenantOf(String workspaceBaseUrl) {
        HttpResponse<String> response = OAuthHttp.send(http, HttpRequest.newBuilder(URI.create(workspaceBaseUrl
                + "/aad/auth")).timeout(properties.responseTimeout()).GET().build(), "the workspace");
        String location = response.headers().firstValue("Location").orElse("");
        Matcher m = response.statusCode() / 100 == 3 ? TENANT.matcher(pathOf(location)) : null;
        if (m == null || !m.find()) {
            throw new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.REFUSED, "no_tenant", response.statusCode(), null,
                    "The workspace did not name its Entra tenant (GET /aad/auth answered " + response.statusCode()
                            + "); give azure_tenant_id, or check that this is an Azure Databricks workspace URL");
        }
        return m.group(1).toLowerCase(java.util.Locale.ROOT);
    }

    /** A client-credentials token of the service principal for {@code resource} (Entra v1 endpoint). */
    public WorkspaceOAuth.Tokens token(String tenant, String clientId, String clientSecret, String resource) {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret)
                + "&resource=" + enc(resource);
        HttpResponse<String> response = OAuthHttp.send(http, OAuthHttp.formPost(hosts.serviceUrl(loginUrl) + "/"
                + enc(tenant) + "/oauth2/token", form, properties.responseTimeout()), "Entra ID");
        JsonNode body = OAuthHttp.json(response.body());
        if (response.statusCode() == 200 && body.hasNonNull("access_token")) {
            // v1 answers expires_in as a string
            return new WorkspaceOAuth.Tokens(body.get("access_token").asText(), null,
                    Long.parseLong(body.path("expires_in").asText("3599")), null);
        }
        throw failure(response.statusCode(), body, tenant, clientId);
    }

    /**
     * The tokens a call on an Azure workspace sends: the service principal's Azure Databricks token as bearer and,
     * when the workspace's resource id is known, its management token and that id as the headers Azure Databricks
     * needs to add a Contributor service principal; sealed together as one {@link BearerBundle}. The bundle lives
     * as long as its shorter token.
     */
    public WorkspaceOAuth.Tokens servicePrincipalTokens(String tenant, String clientId, String clientSecret,
            String workspaceResourceId) {
        WorkspaceOAuth.Tokens databricks = token(tenant, clientId, clientSecret, AZURE_DATABRICKS_RESOURCE);
        if (workspaceResourceId == null || workspaceResourceId.isBlank()) {
            return databricks;
        }
        WorkspaceOAuth.Tokens management = token(tenant, clientId, clientSecret, MANAGEMENT_RESOURCE);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MANAGEMENT_TOKEN_HEADER, management.accessToken());
        headers.put(RESOURCE_ID_HEADER, workspaceResourceId);
        return new WorkspaceOAuth.Tokens(new BearerBundle(databricks.accessToken(), headers).encode(), null,
                Math.min(databricks.expiresIn(), management.expiresIn()), null);
    }

    /** What an Entra refusal means for the connection: the class and the fix, named by its AADSTS code. */
    static WorkspaceOAuth.Failure failure(int status, JsonNode body, String tenant, String clientId) {
        String description = body.path("error_description").asText("");
        Matcher m = AADSTS.matcher(description);
        String code = m.find() ? "AADSTS" + m.group(1) : body.path("error").asText("HTTP " + status);
        if (status == 429 || status >= 500) {
            return new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.PASSING, code, status, null,
                    "Entra ID is unavailable (HTTP " + status + ")");
        }
        String why = switch (code) {
            case "AADSTS90002" -> "Entra ID knows no tenant '" + tenant + "': check azure_tenant_id";
            case "AADSTS700016" -> "Entra ID has no application '" + clientId + "' in tenant " + tenant
                    + ": check the client id and the tenant, or the app was deleted";
            case "AADSTS7000215" -> "Entra ID refused the client secret of " + clientId
                    + ": give the secret's value (not its id), or rotate it";
            case "AADSTS7000222" -> "The client secret of " + clientId + " expired in Entra ID: rotate it";
            case "AADSTS500011" -> "Entra ID does not know the Azure Databricks resource in tenant " + tenant
                    + ": the workspace's tenant is another one";
            default -> "Entra ID refused the service principal (" + code + ")";
        };
        return new WorkspaceOAuth.Failure(WorkspaceOAuth.Failure.Kind.INVALID_CLIENT, code, status, null, why);
    }

    private static String pathOf(String location) {
        try {
            String path = URI.create(location).getRawPath();
            return path == null ? "" : path;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
