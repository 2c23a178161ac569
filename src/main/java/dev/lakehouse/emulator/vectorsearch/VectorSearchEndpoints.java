package dev.lakehouse.emulator.vectorsearch;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.Router;

/** Vector Search endpoints and indexes (/api/2.0/vector-search). */
public final class VectorSearchEndpoints {

    private final WorkspaceServices workspace;

    public VectorSearchEndpoints(WorkspaceServices workspace) {
        this.workspace = workspace;
    }

    public void register(Router router) {
    }
}
