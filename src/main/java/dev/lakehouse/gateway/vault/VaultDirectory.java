package dev.lakehouse.gateway.vault;

import java.util.List;
import java.util.Optional;

/** A tenant's live vault connections, as tool calls see them (the vault, or none for a gateway without it). */
public interface VaultDirectory {

    /** No vault connections at all (unit tests of properties-only behaviour). */
    VaultDirectory NONE = tenant -> List.of();

    List<VaultConnection> connections(String tenant);

    default Optional<VaultConnection> connection(String tenant, String name) {
        return connections(tenant).stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Where requests to a connection's stored host go (its host, or the override an operator configured). */
    default String baseUrl(String storedHost) {
        return storedHost;
    }
}
