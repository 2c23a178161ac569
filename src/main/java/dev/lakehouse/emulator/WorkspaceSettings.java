package dev.lakehouse.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.lakehouse.emulator.EmulatorProperties.M2mClient;
import dev.lakehouse.emulator.EmulatorProperties.U2mClient;
import dev.lakehouse.emulator.EmulatorProperties.User;
import dev.lakehouse.emulator.EmulatorProperties.WorkspaceProperties;

/**
 * One workspace's identity and credentials with every unset value filled by a deterministic
 * default derived from the workspace name (so the documented defaults are stable across runs).
 */
public record WorkspaceSettings(
        String name,
        int port,
        String workspaceId,
        String userName,
        String userPassword,
        List<User> users,
        List<String> pats,
        List<M2mClient> m2mClients,
        List<U2mClient> u2mClients,
        String warehouseId) {

    /** Redirect URIs of the default databricks-cli client: the CLI's and the Java SDK's defaults. */
    public static final List<String> DEFAULT_REDIRECT_URIS =
            List.of("http://localhost:8020/callback", "http://localhost:8080/callback");

    /** The configured workspaces, or {@code acme} and {@code globex} when none are configured. */
    public static List<WorkspaceSettings> resolveAll(EmulatorProperties properties) {
        Map<String, WorkspaceProperties> configured = new LinkedHashMap<>(properties.getWorkspaces());
        if (configured.isEmpty()) {
            configured.put("acme", new WorkspaceProperties());
            configured.put("globex", new WorkspaceProperties());
        }
        return configured.entrySet().stream().map(e -> resolve(e.getKey(), e.getValue())).toList();
    }

    static WorkspaceSettings resolve(String name, WorkspaceProperties p) {
        String id = p.getWorkspaceId() != null ? p.getWorkspaceId()
                : String.valueOf(1_000_000_000_000_000L + (Integer.toUnsignedLong(name.hashCode()) % 1_000_000_000L));
        String user = p.getUserName() != null ? p.getUserName() : "alice@" + name + ".example";
        String password = p.getUserPassword() != null ? p.getUserPassword() : name + "-password";
        List<String> pats = p.getPats() != null ? List.copyOf(p.getPats()) : List.of("dapi-" + name + "-emulator-pat");
        List<M2mClient> m2m = p.getM2mClients() != null ? List.copyOf(p.getM2mClients())
                : List.of(new M2mClient(name + "-m2m-client", name + "-m2m-secret", name + " automation"));
        List<U2mClient> u2m = p.getU2mClients() != null ? List.copyOf(p.getU2mClients())
                : List.of(new U2mClient("databricks-cli", DEFAULT_REDIRECT_URIS));
        String warehouse = p.getWarehouseId() != null ? p.getWarehouseId() : stableHex(name + "/warehouse/0", 16);
        return new WorkspaceSettings(name, p.getPort(), id, user, password, users(name, user, password, p.getUsers()),
                pats, m2m, u2m, warehouse);
    }

    /** The single user of old as the first user, then the configured {@code users}; a bad entry stops the start. */
    private static List<User> users(String workspace, String firstName, String firstPassword, List<User> more) {
        List<User> all = new ArrayList<>();
        all.add(new User(firstName, firstPassword, null));
        Set<String> seen = new HashSet<>(Set.of(firstName.toLowerCase(Locale.ROOT)));
        for (int i = 0; more != null && i < more.size(); i++) {
            User u = more.get(i);
            String key = "emulator.workspaces." + workspace + ".users[" + i + "]";
            if (u.getUserName() == null || u.getUserName().isBlank() || u.getPassword() == null || u.getPassword().isEmpty()) {
                throw new IllegalArgumentException(key + " needs a user-name and a password");
            }
            if (!seen.add(u.getUserName().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(key + ".user-name '" + u.getUserName()
                        + "' is already a user of workspace " + workspace + " (user names are case-insensitive)");
            }
            all.add(new User(u.getUserName(), u.getPassword(), u.getDisplayName()));
        }
        return List.copyOf(all);
    }

    /**
     * The id of the Databricks account the workspace belongs to: a UUID derived from the workspace name, so it is
     * stable across runs. Host metadata announces it; federation policies default their audiences to it.
     */
    public String accountId() {
        String hex = stableHex(name + "/account", 32);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    /** Deterministic lower-case hex id of the given length, derived from a seed string. */
    public static String stableHex(String seed, int length) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
