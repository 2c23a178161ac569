package dev.lakehouse.emulator.vectorsearch;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/** A Vector Search endpoint: fixed at seeding time, always ONLINE. */
record SearchEndpoint(String name, String id, String type, String creator, long createdAtMillis, List<String> indexNames) {

    /** EndpointInfo as GET /api/2.0/vector-search/endpoints/{name} returns it. */
    ObjectNode toJson() {
        ObjectNode json = Json.obj();
        json.put("name", name);
        json.put("id", id);
        json.put("endpoint_type", type);
        json.putObject("endpoint_status").put("state", "ONLINE");
        json.put("creator", creator);
        json.put("creation_timestamp", createdAtMillis);
        json.put("last_updated_timestamp", createdAtMillis);
        json.put("last_updated_user", creator);
        json.put("num_indexes", indexNames.size());
        return json;
    }
}
