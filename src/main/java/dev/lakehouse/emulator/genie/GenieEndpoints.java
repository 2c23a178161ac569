package dev.lakehouse.emulator.genie;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.Router;

/** Genie spaces and conversations (/api/2.0/genie). */
public final class GenieEndpoints {

    private final WorkspaceServices workspace;

    public GenieEndpoints(WorkspaceServices workspace) {
        this.workspace = workspace;
    }

    public void register(Router router) {
    }
}
