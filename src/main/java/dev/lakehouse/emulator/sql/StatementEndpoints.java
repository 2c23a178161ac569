package dev.lakehouse.emulator.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.Router;

/** SQL Statement Execution API 2.0: execute, get, get chunk, cancel. */
public final class StatementEndpoints {

    private static final Pattern WAIT = Pattern.compile("^(\\d+)s$");
    private static final int MAX_STATEMENT_BYTES = 16 * 1024 * 1024;

    private final StatementService service;

    public StatementEndpoints(StatementService service) {
        this.service = service;
    }

    public void register(Router router) {
        router.add("POST", "/api/2.0/sql/statements", this::execute);
        router.add("GET", "/api/2.0/sql/statements/{id}", r -> toJson(service.get(r.pathParam("id")), true));
        router.add("GET", "/api/2.0/sql/statements/{id}/result/chunks/{chunk}", this::chunk);
        router.add("POST", "/api/2.0/sql/statements/{id}/cancel", this::cancel);
    }

    private Object execute(ApiRequest request) throws InterruptedException {
        String statement = request.requireBodyString("statement");
        String warehouseId = request.requireBodyString("warehouse_id");
        if (statement.getBytes(StandardCharsets.UTF_8).length > MAX_STATEMENT_BYTES) {
            throw ApiException.invalidParameter("statement exceeds the 16 MiB limit");
        }
        int waitSeconds = parseWait(request.bodyString("wait_timeout"));
        String onTimeout = upper(request.bodyString("on_wait_timeout"), "CONTINUE");
        if (!onTimeout.equals("CONTINUE") && !onTimeout.equals("CANCEL")) {
            throw ApiException.invalidParameter("on_wait_timeout must be CONTINUE or CANCEL, got " + onTimeout);
        }
        String disposition = upper(request.bodyString("disposition"), "INLINE");
        String format = upper(request.bodyString("format"), "JSON_ARRAY");
        if (!List.of("INLINE", "EXTERNAL_LINKS").contains(disposition)) {
            throw ApiException.invalidParameter("Unknown disposition " + disposition);
        }
        if (!List.of("JSON_ARRAY", "ARROW_STREAM", "CSV").contains(format)) {
            throw ApiException.invalidParameter("Unknown format " + format);
        }
        if (disposition.equals("INLINE") && !format.equals("JSON_ARRAY")) {
            throw ApiException.invalidParameter(format + " format is only supported with EXTERNAL_LINKS disposition");
        }
        if (disposition.equals("EXTERNAL_LINKS")) {
            throw ApiException.invalidParameter("The workspace emulator only supports the INLINE disposition");
        }
        Long rowLimit = nonNegative(request, "row_limit");
        Long byteLimit = nonNegative(request, "byte_limit");
        StatementSpec spec = new StatementSpec(statement, warehouseId, request.bodyString("catalog"),
                request.bodyString("schema"), parameters(request.json().get("parameters")), rowLimit, byteLimit);
        StatementRecord record = service.submit(spec);
        if (waitSeconds == 0) {
            ObjectNode body = Json.obj();
            body.put("statement_id", record.id());
            body.putObject("status").put("state", "PENDING");
            return body;
        }
        if (!record.await(waitSeconds * 1000L) && onTimeout.equals("CANCEL")) {
            service.cancel(record);
        }
        return toJson(record, true);
    }

    private Object chunk(ApiRequest request) {
        StatementRecord record = service.get(request.pathParam("id"));
        int index;
        try {
            index = Integer.parseInt(request.pathParam("chunk"));
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter("chunk_index must be an integer");
        }
        ResultTable result = record.result();
        StatementRecord.State state = record.state();
        if (state == StatementRecord.State.CLOSED) {
            throw ApiException.notFound("NOT_FOUND", "The result of statement " + record.id()
                    + " is no longer available (statement is CLOSED)");
        }
        if (state != StatementRecord.State.SUCCEEDED || result == null) {
            throw new ApiException(400, "BAD_REQUEST", "Statement " + record.id() + " has no result (state " + state + ")");
        }
        if (index < 0 || index >= Math.max(1, result.chunkCount())) {
            throw ApiException.invalidParameter("chunk_index " + index + " is out of range: the result has "
                    + result.chunkCount() + " chunk(s)");
        }
        return result.chunk(index, record.id());
    }

    private Object cancel(ApiRequest request) {
        service.cancel(service.get(request.pathParam("id")));
        return Json.obj();
    }

    public static ObjectNode toJson(StatementRecord record, boolean withResult) {
        ObjectNode body = Json.obj();
        body.put("statement_id", record.id());
        StatementRecord.State state = record.state();
        ObjectNode status = body.putObject("status");
        status.put("state", state.name());
        SqlErrorMapper.SqlError error = record.error();
        if (state == StatementRecord.State.FAILED && error != null) {
            status.putObject("error").put("error_code", error.errorCode()).put("message", error.message());
            status.put("sql_state", error.sqlState());
        }
        ResultTable result = record.result();
        if (withResult && state == StatementRecord.State.SUCCEEDED && result != null) {
            body.set("manifest", result.manifest());
            body.set("result", result.chunk(0, record.id()));
        }
        return body;
    }

    private static int parseWait(String text) {
        if (text == null) {
            return 10;
        }
        Matcher m = WAIT.matcher(text.trim());
        int seconds = m.matches() && m.group(1).length() < 6 ? Integer.parseInt(m.group(1)) : -1;
        if (seconds != 0 && (seconds < 5 || seconds > 50)) {
            throw ApiException.invalidParameter("wait_timeout must be 0 seconds (disables wait) or between 5 seconds "
                    + "and 50 seconds, got '" + text + "'");
        }
        return seconds;
    }

    private static String upper(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value.trim().toUpperCase(Locale.ROOT);
    }

    private static Long nonNegative(ApiRequest request, String field) {
        Long value = request.bodyLong(field);
        if (value != null && value < 0) {
            throw ApiException.invalidParameter(field + " must not be negative");
        }
        return value;
    }

    private static List<StatementSpec.Parameter> parameters(JsonNode node) {
        List<StatementSpec.Parameter> list = new ArrayList<>();
        if (node == null || node.isNull()) {
            return list;
        }
        if (!node.isArray()) {
            throw ApiException.invalidParameter("parameters must be an array");
        }
        for (JsonNode p : node) {
            if (!p.isObject()) {
                throw ApiException.invalidParameter("every parameter must be an object with name, value and type");
            }
            JsonNode value = p.get("value");
            if (value != null && !value.isNull() && !value.isValueNode()) {
                throw ApiException.invalidParameter("parameter value must be a string");
            }
            list.add(new StatementSpec.Parameter(text(p.get("name")),
                    value == null || value.isNull() ? null : value.asText(), text(p.get("type"))));
        }
        return list;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
