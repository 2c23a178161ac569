package dev.lakehouse.emulator.compute;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.PageToken;
import dev.lakehouse.emulator.http.Router;

/** SQL Warehouses API 2.0: list, get, start, stop. */
public final class WarehouseEndpoints {

    private final WarehouseService warehouses;

    public WarehouseEndpoints(WarehouseService warehouses) {
        this.warehouses = warehouses;
    }

    public void register(Router router) {
        router.add("GET", "/api/2.0/sql/warehouses", this::list);
        router.add("GET", "/api/2.0/sql/warehouses/{id}", r -> warehouses.get(r.pathParam("id"), r.baseUrl()));
        router.add("POST", "/api/2.0/sql/warehouses/{id}/start", r -> {
            r.json();
            warehouses.start(r.pathParam("id"));
            return Json.obj();
        });
        router.add("POST", "/api/2.0/sql/warehouses/{id}/stop", r -> {
            r.json();
            warehouses.stop(r.pathParam("id"));
            return Json.obj();
        });
    }

    private Object list(ApiRequest request) {
        List<ObjectNode> all = warehouses.list(request.baseUrl());
        return PageToken.slice(request, all, "warehouses", false);
    }
}
