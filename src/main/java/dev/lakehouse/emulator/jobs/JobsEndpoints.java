package dev.lakehouse.emulator.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.PageToken;
import dev.lakehouse.emulator.http.Router;

/** Jobs API 2.2, also served on the 2.1 paths (identical shapes here). */
public final class JobsEndpoints {

    private final JobsService jobs;

    public JobsEndpoints(JobsService jobs) {
        this.jobs = jobs;
    }

    public void register(Router router) {
        for (String version : List.of("2.1", "2.2")) {
            String base = "/api/" + version + "/jobs";
            router.add("GET", base + "/list", this::listJobs);
            router.add("GET", base + "/get", r -> jobs.getJob(requireLongQuery(r, "job_id")));
            router.add("POST", base + "/run-now", this::runNow);
            router.add("GET", base + "/runs/get", r -> jobs.getRun(requireLongQuery(r, "run_id")));
            router.add("GET", base + "/runs/list", this::listRuns);
            router.add("POST", base + "/runs/cancel", r -> {
                jobs.cancel(r.requireBodyLong("run_id"));
                return Json.obj();
            });
            router.add("GET", base + "/runs/get-output", r -> jobs.getRunOutput(requireLongQuery(r, "run_id")));
        }
    }

    private Object listJobs(ApiRequest request) {
        int limit = limit(request, 20, 100);
        List<ObjectNode> all = jobs.listJobs(request.query("name"), request.queryBool("expand_tasks"));
        return page("jobs", all, request, limit);
    }

    private Object listRuns(ApiRequest request) {
        if (request.queryBool("active_only") && request.queryBool("completed_only")) {
            throw ApiException.invalidParameter("active_only and completed_only cannot both be true");
        }
        int limit = limit(request, 20, 25);
        List<ObjectNode> all = jobs.listRuns(request.queryLong("job_id"), request.queryBool("active_only"),
                request.queryBool("completed_only"), request.queryBool("expand_tasks"),
                request.queryLong("start_time_from"), request.queryLong("start_time_to"));
        return page("runs", all, request, limit);
    }

    private Object runNow(ApiRequest request) {
        long jobId = request.requireBodyLong("job_id");
        Map<String, String> parameters = new LinkedHashMap<>();
        JsonNode given = request.json().get("job_parameters");
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw ApiException.invalidParameter("job_parameters must be an object of strings");
            }
            given.fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        }
        JobRun run = jobs.runNow(jobId, parameters, request.bodyString("idempotency_token"));
        ObjectNode body = Json.obj();
        body.put("run_id", run.runId);
        body.put("number_in_job", run.runId);
        return body;
    }

    /** limit: default when unset or 0, 400 above the maximum. */
    private static int limit(ApiRequest request, int fallback, int max) {
        Integer limit = request.queryInt("limit");
        if (limit == null || limit == 0) {
            return fallback;
        }
        if (limit < 0 || limit > max) {
            throw ApiException.invalidParameter("limit must be between 1 and " + max + ", got " + limit);
        }
        return limit;
    }

    /** Token (or deprecated offset) paging; the items key is omitted when there are none. */
    private static ObjectNode page(String key, List<ObjectNode> all, ApiRequest request, int limit) {
        Integer offsetParam = request.queryInt("offset");
        int offset = request.query("page_token") != null ? PageToken.decode(request.query("page_token"))
                : offsetParam == null ? 0 : Math.max(0, offsetParam);
        offset = Math.min(offset, all.size());
        int end = Math.min(all.size(), offset + limit);
        ObjectNode body = Json.obj();
        if (end > offset) {
            ArrayNode items = body.putArray(key);
            all.subList(offset, end).forEach(items::add);
        }
        body.put("has_more", end < all.size());
        if (end < all.size()) {
            body.put("next_page_token", PageToken.encode(end));
        }
        if (offset > 0) {
            body.put("prev_page_token", PageToken.encode(Math.max(0, offset - limit)));
        }
        return body;
    }

    private static long requireLongQuery(ApiRequest request, String name) {
        Long value = request.queryLong(name);
        if (value == null) {
            throw ApiException.invalidParameter("Missing required field: " + name);
        }
        return value;
    }
}
