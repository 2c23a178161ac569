package dev.lakehouse.emulator.compute;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.PageToken;
import dev.lakehouse.emulator.http.Router;

/** Clusters API, served on both the 2.0 and 2.1 paths. */
public final class ClusterEndpoints {

    private final ClusterService clusters;

    public ClusterEndpoints(ClusterService clusters) {
        this.clusters = clusters;
    }

    public void register(Router router) {
        for (String version : List.of("2.0", "2.1")) {
            String base = "/api/" + version + "/clusters";
            router.add("GET", base + "/list", this::list);
            router.add("GET", base + "/get", r -> clusters.get(r.requireQuery("cluster_id")));
            router.add("POST", base + "/start", r -> {
                clusters.start(r.requireBodyString("cluster_id"));
                return Json.obj();
            });
            router.add("POST", base + "/delete", r -> {
                clusters.terminate(r.requireBodyString("cluster_id"));
                return Json.obj();
            });
            router.add("POST", base + "/restart", r -> {
                clusters.restart(r.requireBodyString("cluster_id"));
                return Json.obj();
            });
            router.add("POST", base + "/resize", this::resize);
            router.add("POST", base + "/edit", r -> {
                clusters.edit(r.requireBodyString("cluster_id"), r.json());
                return Json.obj();
            });
            router.add("POST", base + "/permanent-delete", r -> {
                clusters.permanentDelete(r.requireBodyString("cluster_id"));
                return Json.obj();
            });
        }
    }

    private Object list(ApiRequest request) {
        List<String> states = new ArrayList<>();
        request.queryAll("filter_by.cluster_states").forEach(s -> states.add(s.toUpperCase(Locale.ROOT)));
        List<ObjectNode> all = clusters.list(states, request.query("sort_by.field"), request.query("sort_by.direction"));
        return PageToken.slice(request, all, "clusters", true);
    }

    private Object resize(ApiRequest request) {
        String id = request.requireBodyString("cluster_id");
        JsonNode autoscale = request.json().get("autoscale");
        Long numWorkers = request.bodyLong("num_workers");
        clusters.resize(id, numWorkers == null ? null : numWorkers.intValue(),
                autoscale != null && autoscale.hasNonNull("min_workers") ? autoscale.get("min_workers").asInt() : null,
                autoscale != null && autoscale.hasNonNull("max_workers") ? autoscale.get("max_workers").asInt() : null);
        return Json.obj();
    }
}
