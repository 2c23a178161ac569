package dev.lakehouse.emulator.admin;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.cloud.CloudIdentityProviders;
import dev.lakehouse.emulator.cloud.CloudProfile;
import dev.lakehouse.emulator.cloud.CloudTokenEndpoints;
import dev.lakehouse.emulator.cloud.EntraApp;
import dev.lakehouse.emulator.cloud.GoogleServiceAccount;
import dev.lakehouse.emulator.cloud.WorkspaceCloud;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.ApiResponse;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/**
 * The cloud part of the admin API: this workspace's cloud profile, the apps of the emulated Entra tenants, the
 * emulated Google service accounts and their keys, and revoking a principal's cloud tokens. Entra and Google are
 * shared by all workspaces of the process; {@code workspace_user} adds the identity to this workspace only.
 */
public final class CloudAdminEndpoints {

    private static final String PREFIX = AdminEndpoints.PREFIX;
    private static final Set<String> CLOUD_FIELDS = Set.of("cloud", "host", "azure_tenant_id", "azure_resource_id");
    private static final Set<String> APP_FIELDS = Set.of("tenant_id", "client_id", "client_secret",
            "secret_lifetime_seconds", "workspace_user", "contributor");
    private static final Set<String> ROTATE_FIELDS = Set.of("client_secret", "secret_lifetime_seconds");
    private static final Set<String> SA_FIELDS = Set.of("email", "workspace_user");
    private static final Set<String> REVOKE_FIELDS = Set.of("client_id", "email");
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Client ids end up in admin paths and HTTP Basic credentials: URL-safe characters, no colon. */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,200}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,100}@[A-Za-z0-9.-]{1,200}");
    private static final Pattern RESOURCE_ID = Pattern.compile(
            "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Databricks/workspaces/[^/]+",
            Pattern.CASE_INSENSITIVE);
    /** Entra's default for new client secrets in the portal. */
    private static final Duration DEFAULT_SECRET_LIFETIME = Duration.ofDays(180);
    private static final long MAX_SECRET_LIFETIME_SECONDS = Duration.ofDays(3650).toSeconds();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WorkspaceCloud cloud;
    private final CloudIdentityProviders providers;
    private final IdentityDirectory identities;

    public CloudAdminEndpoints(WorkspaceCloud cloud, CloudIdentityProviders providers, IdentityDirectory identities) {
        this.cloud = cloud;
        this.providers = providers;
        this.identities = identities;
    }

    public void register(Router router) {
        router.addPublic("GET", PREFIX + "/cloud", r -> profileJson(cloud.profile()));
        router.addPublic("PUT", PREFIX + "/cloud", this::setCloud);
        router.addPublic("DELETE", PREFIX + "/cloud", r -> {
            cloud.reset();
            return profileJson(cloud.profile());
        });
        router.addPublic("GET", PREFIX + "/entra/apps", r -> listApps());
        router.addPublic("POST", PREFIX + "/entra/apps", this::createApp);
        router.addPublic("POST", PREFIX + "/entra/apps/{client_id}/rotate-secret", this::rotateSecret);
        router.addPublic("POST", PREFIX + "/entra/apps/{client_id}/expire-secret", this::expireSecret);
        router.addPublic("DELETE", PREFIX + "/entra/apps/{client_id}", this::deleteApp);
        router.addPublic("GET", PREFIX + "/google/service-accounts", r -> listServiceAccounts());
        router.addPublic("POST", PREFIX + "/google/service-accounts", this::createServiceAccount);
        router.addPublic("POST", PREFIX + "/google/service-accounts/{email}/keys", this::createKey);
        router.addPublic("DELETE", PREFIX + "/google/service-accounts/{email}/keys/{key_id}", this::deleteKey);
        router.addPublic("DELETE", PREFIX + "/google/service-accounts/{email}", this::deleteServiceAccount);
        router.addPublic("POST", PREFIX + "/cloud-tokens/revoke", this::revoke);
    }

    // ---- cloud profile

    private static ObjectNode profileJson(CloudProfile profile) {
        ObjectNode body = Json.obj();
        body.put("cloud", profile.cloud().key());
        Json.putOpt(body, "host", profile.host());
        Json.putOpt(body, "azure_tenant_id", profile.azureTenantId());
        Json.putOpt(body, "azure_resource_id", profile.azureResourceId());
        return body;
    }

    /** Validates the whole body, then switches the profile at once. */
    private Object setCloud(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, CLOUD_FIELDS);
        CloudProfile.Cloud kind = cloudField(AdminBodies.requiredString(body, "cloud"));
        String host = AdminBodies.stringField(body, "host");
        String tenant = AdminBodies.stringField(body, "azure_tenant_id");
        String resourceId = AdminBodies.stringField(body, "azure_resource_id");
        if (kind != CloudProfile.Cloud.AZURE && (tenant != null || resourceId != null)) {
            throw ApiException.invalidParameter("azure_tenant_id and azure_resource_id are for cloud 'azure' only");
        }
        if (kind != CloudProfile.Cloud.AWS && host == null) {
            throw ApiException.invalidParameter("Missing required field: host (the workspace's public URL, e.g. "
                    + (kind == CloudProfile.Cloud.AZURE ? "https://adb-1111111111111111.11.azuredatabricks.net"
                    : "https://1111111111111111.1.gcp.databricks.com") + ")");
        }
        if (kind == CloudProfile.Cloud.AZURE) {
            if (tenant == null) {
                throw ApiException.invalidParameter("Missing required field: azure_tenant_id");
            }
            requireGuid("azure_tenant_id", tenant);
            if (resourceId != null && !RESOURCE_ID.matcher(resourceId).matches()) {
                throw ApiException.invalidParameter("azure_resource_id must look like /subscriptions/<sub>/"
                        + "resourceGroups/<rg>/providers/Microsoft.Databricks/workspaces/<name>, got '" + resourceId + "'");
            }
        }
        CloudProfile profile = new CloudProfile(kind, host == null ? null : hostField(host),
                tenant == null ? null : tenant.toLowerCase(Locale.ROOT), resourceId);
        cloud.set(profile);
        return profileJson(profile);
    }

    private static CloudProfile.Cloud cloudField(String value) {
        for (CloudProfile.Cloud c : CloudProfile.Cloud.values()) {
            if (c.key().equalsIgnoreCase(value)) {
                return c;
            }
        }
        throw ApiException.invalidParameter("cloud must be one of aws, azure, gcp, got '" + value + "'");
    }

    /** An http(s) URL of scheme and host only; a trailing slash is dropped. */
    private static String hostField(String host) {
        try {
            URI uri = new URI(host);
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    || !(path.isEmpty() || path.equals("/")) || uri.getQuery() != null || uri.getFragment() != null) {
                throw ApiException.invalidParameter("host must be a URL like https://<workspace host name> without "
                        + "a path, got '" + host + "'");
            }
            return host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
        } catch (URISyntaxException e) {
            throw ApiException.invalidParameter("host is not a valid URL: " + e.getReason());
        }
    }

    private static void requireGuid(String field, String value) {
        if (!GUID.matcher(value).matches()) {
            throw ApiException.invalidParameter(field + " must be a GUID like 8a3c1f2e-0b1d-4c5e-9f6a-7b8c9d0e1f2a, "
                    + "got '" + value + "'");
        }
    }

    // ---- Entra apps

    private ObjectNode listApps() {
        ObjectNode body = Json.obj();
        ArrayNode list = body.putArray("apps");
        providers.entra().directory().apps().forEach(app -> list.add(appJson(app, false)));
        return body;
    }

    private ObjectNode appJson(EntraApp app, boolean withSecret) {
        ObjectNode node = Json.obj();
        node.put("tenant_id", app.tenantId());
        node.put("client_id", app.clientId());
        if (withSecret) {
            node.put("client_secret", app.secret());
        }
        Json.putOpt(node, "secret_expires_at", app.secretExpiresAt() == null ? null : app.secretExpiresAt().toString());
        node.put("object_id", app.objectId());
        node.put("contributor", app.contributor());
        node.put("workspace_user", identities.findServicePrincipal(app.clientId()) != null);
        return node;
    }

    private Object createApp(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, APP_FIELDS);
        String tenant = AdminBodies.requiredString(body, "tenant_id");
        requireGuid("tenant_id", tenant);
        String clientId = AdminBodies.stringField(body, "client_id");
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw ApiException.invalidParameter("client_id may only contain letters, digits and . _ ~ - "
                    + "(at most 200), got '" + clientId + "'");
        }
        String secret = AdminBodies.stringField(body, "client_secret");
        Long lifetime = AdminBodies.integerField(body, "secret_lifetime_seconds", 1, MAX_SECRET_LIFETIME_SECONDS);
        boolean workspaceUser = Boolean.TRUE.equals(AdminBodies.booleanField(body, "workspace_user"));
        boolean contributor = Boolean.TRUE.equals(AdminBodies.booleanField(body, "contributor"));
        String id = clientId != null ? clientId : UUID.randomUUID().toString();
        if (workspaceUser && identities.knowsClient(id) && identities.findServicePrincipal(id) == null) {
            throw new ApiException(409, "RESOURCE_ALREADY_EXISTS", "An OAuth app integration of this workspace "
                    + "already uses client_id '" + id + "'");
        }
        EntraApp app = providers.entra().directory().register(tenant.toLowerCase(Locale.ROOT), id,
                secret != null ? secret : entraSecret(), secretExpiry(lifetime), contributor);
        if (workspaceUser) {
            identities.addCloudServicePrincipal(id, null);
        }
        return ApiResponse.json(201, appJson(app, true));
    }

    private Object rotateSecret(ApiRequest request) {
        EntraApp app = providers.entra().directory().require(request.pathParam("client_id"));
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, ROTATE_FIELDS);
        String secret = AdminBodies.stringField(body, "client_secret");
        Long lifetime = AdminBodies.integerField(body, "secret_lifetime_seconds", 1, MAX_SECRET_LIFETIME_SECONDS);
        app.replaceSecret(secret != null ? secret : entraSecret(), secretExpiry(lifetime));
        return appJson(app, true);
    }

    private Object expireSecret(ApiRequest request) {
        EntraApp app = providers.entra().directory().require(request.pathParam("client_id"));
        app.expireSecret();
        return appJson(app, false);
    }

    /** The app leaves its tenant: token requests get AADSTS700016 and its tokens stop working everywhere. */
    private Object deleteApp(ApiRequest request) {
        String clientId = request.pathParam("client_id");
        EntraApp app = providers.entra().directory().delete(clientId);
        int revoked = providers.entra().revoke(clientId);
        return Json.obj().put("client_id", app.clientId()).put("deleted", true).put("revoked", revoked);
    }

    private static Instant secretExpiry(Long lifetimeSeconds) {
        return Instant.now().plus(lifetimeSeconds == null ? DEFAULT_SECRET_LIFETIME : Duration.ofSeconds(lifetimeSeconds));
    }

    /** Shaped like an Entra client secret value: 40 characters with {@code Q~} after the first four. */
    private static String entraSecret() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder secret = new StringBuilder(40);
        for (int i = 0; i < 38; i++) {
            secret.append(i == 3 ? (char) ('0' + RANDOM.nextInt(10)) : alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            if (i == 3) {
                secret.append("Q~");
            }
        }
        return secret.toString();
    }

    // ---- Google service accounts

    private ObjectNode listServiceAccounts() {
        ObjectNode body = Json.obj();
        ArrayNode list = body.putArray("service_accounts");
        for (GoogleServiceAccount account : providers.google().directory().accounts()) {
            ObjectNode node = list.addObject();
            node.put("email", account.email());
            node.put("unique_id", account.uniqueId());
            node.put("project_id", account.projectId());
            ArrayNode keys = node.putArray("private_key_ids");
            account.keyIds().forEach(keys::add);
            node.put("workspace_user", identities.findUser(account.email()) != null);
        }
        return body;
    }

    private Object createServiceAccount(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, SA_FIELDS);
        String email = AdminBodies.stringField(body, "email");
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw ApiException.invalidParameter("email must be an e-mail address like "
                    + "name@project.iam.gserviceaccount.com, got '" + email + "'");
        }
        boolean workspaceUser = Boolean.TRUE.equals(AdminBodies.booleanField(body, "workspace_user"));
        String address = email != null ? email
                : "sa-" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 4)
                        + "@emulator-project.iam.gserviceaccount.com";
        GoogleServiceAccount account = providers.google().directory().create(address);
        if (workspaceUser) {
            identities.addServiceAccountUser(account.email());
        }
        return ApiResponse.json(201, providers.google().directory().newKey(account, tokenUri(request)));
    }

    private Object createKey(ApiRequest request) {
        GoogleServiceAccount account = providers.google().directory().require(request.pathParam("email"));
        return ApiResponse.json(201, providers.google().directory().newKey(account, tokenUri(request)));
    }

    /** Assertions signed by the key fail from now on, and tokens bought with it stop being accepted. */
    private Object deleteKey(ApiRequest request) {
        GoogleServiceAccount account = providers.google().directory().require(request.pathParam("email"));
        String keyId = request.pathParam("key_id");
        if (!account.keyIds().contains(keyId) || !providers.google().directory().deleteKey(account, keyId)) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Service account " + account.email()
                    + " has no key '" + keyId + "'");
        }
        return Json.obj().put("email", account.email()).put("private_key_id", keyId).put("deleted", true);
    }

    private Object deleteServiceAccount(ApiRequest request) {
        GoogleServiceAccount account = providers.google().directory().delete(request.pathParam("email"));
        int revoked = providers.google().revoke(account.email());
        return Json.obj().put("email", account.email()).put("deleted", true).put("revoked", revoked);
    }

    /** The token endpoint as the admin caller reached this workspace (so the key JSON works from there). */
    private static String tokenUri(ApiRequest request) {
        return request.baseUrl() + CloudTokenEndpoints.GOOGLE_TOKEN_PATH;
    }

    // ---- revocation

    /** Every Entra or Google token of the principal issued so far is refused from now on; the principal stays. */
    private Object revoke(ApiRequest request) {
        JsonNode body = request.json();
        AdminBodies.onlyFields(body, REVOKE_FIELDS);
        String clientId = AdminBodies.stringField(body, "client_id");
        String email = AdminBodies.stringField(body, "email");
        if ((clientId == null) == (email == null)) {
            throw ApiException.invalidParameter("Exactly one of client_id (an Entra app) and email (a Google "
                    + "service account) is required");
        }
        if (clientId != null) {
            providers.entra().directory().require(clientId);
            return Json.obj().put("client_id", clientId).put("revoked", providers.entra().revoke(clientId));
        }
        GoogleServiceAccount account = providers.google().directory().require(email);
        return Json.obj().put("email", account.email()).put("revoked", providers.google().revoke(account.email()));
    }
}
