package dev.lakehouse.emulator;

import java.util.concurrent.ScheduledExecutorService;

import dev.lakehouse.emulator.auth.IdentityDirectory;
import dev.lakehouse.emulator.catalog.UnityCatalogService;
import dev.lakehouse.emulator.compute.WarehouseService;
import dev.lakehouse.emulator.sql.DuckDbEngine;
import dev.lakehouse.emulator.sql.StatementService;

/**
 * What one emulated workspace holds, handed to the endpoints of the later API surfaces (Genie, Vector Search,
 * files, workspace objects, lineage) so each builds on the same data, statements and timer.
 */
public record WorkspaceServices(
        WorkspaceSettings settings,
        EmulatorProperties properties,
        ScheduledExecutorService scheduler,
        DuckDbEngine engine,
        StatementService statements,
        WarehouseService warehouses,
        UnityCatalogService unityCatalog,
        IdentityDirectory identities) {
}
