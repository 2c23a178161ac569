package dev.lakehouse.emulator.cloud;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.lakehouse.emulator.http.ApiException;

/**
 * The tenants and app registrations of the emulated Entra ID. A client id is unique across tenants (as an Entra
 * application id is), so the admin API can name an app by its id alone. Tenants exist once an app names them.
 */
public final class EntraDirectory {

    private final Set<String> tenants = ConcurrentHashMap.newKeySet();
    private final Map<String, EntraApp> apps = new LinkedHashMap<>();

    public synchronized EntraApp register(String tenantId, String clientId, String secret, Instant secretExpiresAt,
                                          boolean contributor) {
        if (apps.containsKey(clientId)) {
            throw new ApiException(409, "RESOURCE_ALREADY_EXISTS", "An Entra app with client_id '" + clientId
                    + "' already exists (in tenant " + apps.get(clientId).tenantId() + ")");
        }
        EntraApp app = new EntraApp(tenantId, clientId, secret, secretExpiresAt, contributor);
        tenants.add(tenantId);
        apps.put(clientId, app);
        return app;
    }

    public boolean tenantExists(String tenantId) {
        return tenantId != null && tenants.contains(tenantId);
    }

    /** The app with this client id in this tenant, or null (unknown, deleted, or of another tenant). */
    public synchronized EntraApp app(String tenantId, String clientId) {
        EntraApp app = clientId == null ? null : apps.get(clientId);
        return app != null && app.tenantId().equals(tenantId) ? app : null;
    }

    public synchronized EntraApp app(String clientId) {
        return clientId == null ? null : apps.get(clientId);
    }

    /** The app, or a 404 for the admin API. */
    public EntraApp require(String clientId) {
        EntraApp app = app(clientId);
        if (app == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Entra app '" + clientId + "' does not exist");
        }
        return app;
    }

    public synchronized EntraApp delete(String clientId) {
        EntraApp removed = apps.remove(clientId);
        if (removed == null) {
            throw ApiException.notFound("RESOURCE_DOES_NOT_EXIST", "Entra app '" + clientId + "' does not exist");
        }
        return removed;
    }

    public synchronized List<EntraApp> apps() {
        return List.copyOf(apps.values());
    }
}
