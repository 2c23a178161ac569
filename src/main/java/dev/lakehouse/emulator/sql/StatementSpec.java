package dev.lakehouse.emulator.sql;

import java.util.List;

/** What to execute: the fields of an ExecuteStatementRequest the engine acts on. */
public record StatementSpec(String statement, String warehouseId, String catalog, String schema,
                            List<Parameter> parameters, Long rowLimit, Long byteLimit) {

    /** A named parameter; a null value is SQL NULL, a null type means STRING. */
    public record Parameter(String name, String value, String type) { }
}
