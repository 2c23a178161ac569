package dev.lakehouse.emulator.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.EmulatorProperties;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/** Unity Catalog 2.1 read endpoints: catalogs, schemas, tables (+summaries, exists), functions, volumes. */
public final class UnityCatalogEndpoints {

    private static final String BASE = "/api/2.1/unity-catalog";

    private final UnityCatalogService uc;
    private final EmulatorProperties.UnityCatalog config;

    public UnityCatalogEndpoints(UnityCatalogService uc, EmulatorProperties.UnityCatalog config) {
        this.uc = uc;
        this.config = config;
    }

    public void register(Router router) {
        router.add("GET", BASE + "/catalogs", r -> UcPage.of("catalogs", uc.catalogs(), r, false, config));
        router.add("GET", BASE + "/catalogs/{name}", r -> uc.catalog(r.pathParam("name")));
        router.add("GET", BASE + "/schemas", r -> UcPage.of("schemas", uc.schemas(r.requireQuery("catalog_name")), r,
                false, config));
        router.add("GET", BASE + "/schemas/{full_name}", r -> uc.schema(r.pathParam("full_name")));
        router.add("GET", BASE + "/tables", this::tables);
        router.add("GET", BASE + "/tables/{full_name}", r -> uc.table(r.pathParam("full_name")));
        router.add("GET", BASE + "/tables/{full_name}/exists", r -> {
            ObjectNode body = Json.obj();
            body.put("table_exists", uc.tableExists(r.pathParam("full_name")));
            return body;
        });
        router.add("GET", BASE + "/table-summaries", r -> UcPage.of("tables",
                uc.summaries(r.requireQuery("catalog_name"), r.query("schema_name_pattern"), r.query("table_name_pattern")),
                r, true, config));
        router.add("GET", BASE + "/functions", r -> UcPage.of("functions",
                uc.functions(r.requireQuery("catalog_name"), r.requireQuery("schema_name")), r, false, config));
        router.add("GET", BASE + "/functions/{name}", r -> uc.function(r.pathParam("name")));
        router.add("GET", BASE + "/volumes", r -> UcPage.of("volumes",
                uc.volumes(r.requireQuery("catalog_name"), r.requireQuery("schema_name")), r, true, config));
        router.add("GET", BASE + "/volumes/{name}", r -> uc.volume(r.pathParam("name")));
    }

    private Object tables(ApiRequest request) {
        return UcPage.of("tables", uc.tables(request.requireQuery("catalog_name"), request.requireQuery("schema_name"),
                request.queryBool("omit_columns"), request.queryBool("omit_properties")), request, false, config);
    }
}
