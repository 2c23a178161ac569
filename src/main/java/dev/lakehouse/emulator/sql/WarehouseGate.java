package dev.lakehouse.emulator.sql;

import java.util.function.BooleanSupplier;

/** What statement execution needs from the SQL warehouses: existence and a running warehouse. */
public interface WarehouseGate {

    /** Throws the API's not-found error when there is no such warehouse. */
    void requireExists(String warehouseId);

    /**
     * Returns once the warehouse is RUNNING, starting it first when it is STOPPED (auto-start, as
     * Databricks does for a statement on a stopped warehouse); gives up when {@code cancelled}.
     */
    void awaitRunning(String warehouseId, BooleanSupplier cancelled) throws InterruptedException;
}
