package dev.lakehouse.emulator.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.lakehouse.emulator.EmulatorProperties.M2mClient;
import dev.lakehouse.emulator.EmulatorProperties.U2mClient;
import dev.lakehouse.emulator.EmulatorProperties.User;
import dev.lakehouse.emulator.WorkspaceSettings;
import dev.lakehouse.emulator.http.ApiException;

/**
 * The users, service principals and OAuth app integrations one workspace knows about: those of the properties,
 * plus those the admin API adds at runtime. Mutations and lookups are synchronized; they are rare and cheap.
 */
public final class IdentityDirectory {

    /** Where an identity came from: the workspace properties or the admin API. */
    public enum Source { PROPERTIES, ADMIN }

    /**
     * An OAuth app integration for U2M (authorization code + PKCE). Confidential apps have a secret the token
     * endpoint checks; public apps have none and prove themselves with PKCE only.
     */
    public record OAuthApp(String clientId, String clientSecret, List<String> redirectUris, Source source) {
        public OAuthApp {
            redirectUris = List.copyOf(redirectUris);
        }

        public boolean confidential() {
            return clientSecret != null && !clientSecret.isEmpty();
        }

        /** Public apps accept any secret (or none), as they did before apps could be confidential. */
        public boolean secretMatches(String secret) {
            return !confidential() || (secret != null && MessageDigest.isEqual(
                    secret.getBytes(StandardCharsets.UTF_8), clientSecret.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** An interactive user who can log in on the authorize page. */
    public record UserAccount(Principal principal, String password, Source source) { }

    /** A service principal with its one OAuth secret (client credentials); rotation replaces the record. */
    public record ServicePrincipal(Principal principal, String clientSecret, Source source) {
        public String clientId() {
            return principal.userName();
        }
    }

    private final Principal user;
    /** By lower-case user name: Databricks user names are case-insensitive. */
    private final Map<String, UserAccount> users = new LinkedHashMap<>();
    private final String workspaceName;
    private final Map<String, ServicePrincipal> servicePrincipals = new LinkedHashMap<>();
    private final Map<String, OAuthApp> apps = new LinkedHashMap<>();

    public IdentityDirectory(WorkspaceSettings settings) {
        this.workspaceName = settings.name();
        for (User u : settings.users()) {
            UserAccount account = account(u.getUserName(), u.getPassword(), u.getDisplayName(), Source.PROPERTIES);
            users.put(key(u.getUserName()), account);
        }
        this.user = users.values().iterator().next().principal();
        for (M2mClient client : settings.m2mClients()) {
            servicePrincipals.put(client.getClientId(), servicePrincipal(client.getClientId(), client.getClientSecret(),
                    client.getDisplayName(), Source.PROPERTIES));
        }
        for (U2mClient client : settings.u2mClients()) {
            apps.put(client.getClientId(), new OAuthApp(client.getClientId(), client.getClientSecret(),
                    client.getRedirectUris() == null ? List.of() : client.getRedirectUris(), Source.PROPERTIES));
        }
    }

    /** The first user: {@code user-name} of the properties, owner of the configured PATs and seeded objects. */
    public Principal user() {
        return user;
    }

    /** The user when the login matches one of them (case-insensitive user name, exact password), else null. */
    public synchronized Principal login(String userName, String password) {
        UserAccount account = userName == null ? null : users.get(key(userName));
        if (account != null && password != null && MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                account.password().getBytes(StandardCharsets.UTF_8))) {
            return account.principal();
        }
        return null;
    }

    /** The user with this name (case-insensitive), or null. */
    public synchronized Principal findUser(String userName) {
        UserAccount account = userName == null ? null : users.get(key(userName));
        return account == null ? null : account.principal();
    }

    public synchronized List<UserAccount> users() {
        return List.copyOf(users.values());
    }

    /** Adds a user; a name already taken (case-insensitively) is a 409. */
    public synchronized UserAccount addUser(String userName, String password, String displayName) {
        if (users.containsKey(key(userName))) {
            throw new ApiException(409, "RESOURCE_ALREADY_EXISTS", "User '" + userName + "' already exists");
        }
        UserAccount account = account(userName, password, displayName, Source.ADMIN);
        users.put(key(userName), account);
        return account;
    }

    private UserAccount account(String userName, String password, String displayName, Source source) {
        return new UserAccount(new Principal(Principal.Kind.USER, numericId(workspaceName + "/" + userName), userName,
                displayName != null ? displayName : displayNameOf(userName)), password, source);
    }

    private static String key(String userName) {
        return userName.toLowerCase(Locale.ROOT);
    }

    /** The service principal when id and its current secret match, else null. */
    public synchronized Principal authenticateClient(String clientId, String clientSecret) {
        ServicePrincipal sp = clientId == null ? null : servicePrincipals.get(clientId);
        if (sp == null || clientSecret == null || sp.clientSecret() == null || !MessageDigest.isEqual(
                clientSecret.getBytes(StandardCharsets.UTF_8), sp.clientSecret().getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return sp.principal();
    }

    /** The service principal with this application id (client id), or null. */
    public synchronized Principal findServicePrincipal(String applicationId) {
        ServicePrincipal sp = applicationId == null ? null : servicePrincipals.get(applicationId);
        return sp == null ? null : sp.principal();
    }

    /**
     * Adds the service principal of a cloud identity (an Entra app): its application id is the client id, and it has
     * no Databricks OAuth secret (it signs in with Entra tokens). An existing one is returned as it is.
     */
    public synchronized Principal addCloudServicePrincipal(String applicationId, String displayName) {
        ServicePrincipal existing = servicePrincipals.get(applicationId);
        if (existing != null) {
            return existing.principal();
        }
        requireUnusedClientId(applicationId);
        ServicePrincipal sp = servicePrincipal(applicationId, null, displayName, Source.ADMIN);
        servicePrincipals.put(applicationId, sp);
        return sp.principal();
    }

    /**
     * Adds a Google service account as a workspace user (user name = its e-mail), as Databricks on GCP does. It gets
     * an unguessable password: it signs in with Google tokens, never on the login page. An existing one is returned.
     */
    public synchronized Principal addServiceAccountUser(String email) {
        UserAccount existing = users.get(key(email));
        if (existing != null) {
            return existing.principal();
        }
        UserAccount account = account(email, TokenStore.randomToken("sa-"), email, Source.ADMIN);
        users.put(key(email), account);
        return account.principal();
    }

    public synchronized List<ServicePrincipal> servicePrincipals() {
        return List.copyOf(servicePrincipals.values());
    }

    /** Adds an M2M client; a client id already taken by an app or a service principal is a 409. */
    public synchronized ServicePrincipal addServicePrincipal(String clientId, String clientSecret, String displayName) {
        requireUnusedClientId(clientId);
        ServicePrincipal sp = servicePrincipal(clientId, clientSecret, displayName, Source.ADMIN);
        servicePrincipals.put(clientId, sp);
        return sp;
    }

    /** Replaces the secret: the old one stops authenticating at once. Null when there is no such principal. */
    public synchronized ServicePrincipal rotateSecret(String clientId, String newSecret) {
        ServicePrincipal old = servicePrincipals.get(clientId);
        if (old == null) {
            return null;
        }
        ServicePrincipal rotated = new ServicePrincipal(old.principal(), newSecret, old.source());
        servicePrincipals.put(clientId, rotated);
        return rotated;
    }

    private ServicePrincipal servicePrincipal(String clientId, String secret, String displayName, Source source) {
        return new ServicePrincipal(new Principal(Principal.Kind.SERVICE_PRINCIPAL,
                numericId(workspaceName + "/sp/" + clientId), clientId, displayName != null ? displayName : clientId),
                secret, source);
    }

    /** The app integration with this client id, or null (unknown or deleted). */
    public synchronized OAuthApp app(String clientId) {
        return clientId == null ? null : apps.get(clientId);
    }

    public synchronized List<OAuthApp> apps() {
        return List.copyOf(apps.values());
    }

    /** Registers an app; a client id already taken by an app or a service principal is a 409. */
    public synchronized OAuthApp addApp(OAuthApp app) {
        requireUnusedClientId(app.clientId());
        apps.put(app.clientId(), app);
        return app;
    }

    public synchronized boolean removeApp(String clientId) {
        return apps.remove(clientId) != null;
    }

    /** True for the client id of an app integration or a service principal. */
    public synchronized boolean knowsClient(String clientId) {
        return apps.containsKey(clientId) || servicePrincipals.containsKey(clientId);
    }

    private void requireUnusedClientId(String clientId) {
        if (apps.containsKey(clientId) || servicePrincipals.containsKey(clientId)) {
            throw new ApiException(409, "RESOURCE_ALREADY_EXISTS",
                    "An OAuth app or service principal with client_id '" + clientId + "' already exists");
        }
    }

    private static String displayNameOf(String userName) {
        String local = userName.contains("@") ? userName.substring(0, userName.indexOf('@')) : userName;
        return local.isEmpty() ? userName : Character.toUpperCase(local.charAt(0)) + local.substring(1);
    }

    /** SCIM ids are decimal numbers on Databricks; derive a stable one. */
    private static String numericId(String seed) {
        return String.valueOf(1_000_000_000_000L + (Integer.toUnsignedLong(seed.hashCode()) % 9_000_000_000_000L));
    }
}
