package dev.lakehouse.emulator.lineage;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.Router;

/** Table and column lineage (/api/2.0/lineage-tracking). */
public final class LineageEndpoints {

    private final WorkspaceServices workspace;

    public LineageEndpoints(WorkspaceServices workspace) {
        this.workspace = workspace;
    }

    public void register(Router router) {
    }
}
