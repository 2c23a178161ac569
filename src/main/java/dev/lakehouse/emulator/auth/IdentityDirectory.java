package dev.lakehouse.emulator.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.lakehouse.emulator.EmulatorProperties.M2mClient;
import dev.lakehouse.emulator.EmulatorProperties.U2mClient;
import dev.lakehouse.emulator.WorkspaceSettings;

/** The users, service principals and OAuth app integrations one workspace knows about. */
public final class IdentityDirectory {

    private final Principal user;
    private final String userPassword;
    private final Map<String, M2mClient> m2mClients = new LinkedHashMap<>();
    private final Map<String, Principal> servicePrincipals = new LinkedHashMap<>();
    private final Map<String, U2mClient> u2mClients = new LinkedHashMap<>();

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
            u2mClients.put(client.getClientId(), client);
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

    public U2mClient u2mClient(String clientId) {
        return clientId == null ? null : u2mClients.get(clientId);
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
