package dev.lakehouse.emulator.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lakehouse.emulator.EmulatorProperties.M2mClient;
import dev.lakehouse.emulator.EmulatorProperties.U2mClient;
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

    private final Principal user;
    private final String userPassword;
    private final Map<String, M2mClient> m2mClients = new LinkedHashMap<>();
    private final Map<String, Principal> servicePrincipals = new LinkedHashMap<>();
    private final Map<String, OAuthApp> apps = new LinkedHashMap<>();

    public IdentityDirectory(WorkspaceSettings settings) {
        this.user = new Principal(Principal.Kind.USER, numericId(settings.name() + "/" + settings.userName()),
                settings.userName(), displayNameOf(settings.userName()));
        this.userPassword = settings.userPassword();
        for (M2mClient client : settings.m2mClients()) {
            m2mClients.put(client.getClientId(), client);
            String display = client.getDisplayName() != null ? client.getDisplayName() : client.getClientId();
            servicePrincipals.put(client.getClientId(), new Principal(Principal.Kind.SERVICE_PRINCIPAL,
                    numericId(settings.name() + "/sp/" + client.getClientId()), client.getClientId(), display));
        }
        for (U2mClient client : settings.u2mClients()) {
            apps.put(client.getClientId(), new OAuthApp(client.getClientId(), client.getClientSecret(),
                    client.getRedirectUris() == null ? List.of() : client.getRedirectUris(), Source.PROPERTIES));
        }
    }

    public Principal user() {
        return user;
    }

    /** The user when the login matches (case-insensitive user name, exact password), else null. */
    public Principal login(String userName, String password) {
        if (userName != null && password != null && userName.equalsIgnoreCase(user.userName())
                && MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                userPassword.getBytes(StandardCharsets.UTF_8))) {
            return user;
        }
        return null;
    }

    /** The service principal when id and secret match a configured M2M client, else null. */
    public Principal authenticateClient(String clientId, String clientSecret) {
        M2mClient client = clientId == null ? null : m2mClients.get(clientId);
        if (client == null || clientSecret == null || !MessageDigest.isEqual(
                clientSecret.getBytes(StandardCharsets.UTF_8), client.getClientSecret().getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return servicePrincipals.get(clientId);
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

    private void requireUnusedClientId(String clientId) {
        if (apps.containsKey(clientId) || m2mClients.containsKey(clientId)) {
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
