package dev.lakehouse.emulator.workspaceapi;

import dev.lakehouse.emulator.WorkspaceServices;
import dev.lakehouse.emulator.http.Router;

/** Workspace objects: list, get-status, export (/api/2.0/workspace). */
public final class WorkspaceApiEndpoints {

    private final WorkspaceServices workspace;

    public WorkspaceApiEndpoints(WorkspaceServices workspace) {
        this.workspace = workspace;
    }

    public void register(Router router) {
    }
}
