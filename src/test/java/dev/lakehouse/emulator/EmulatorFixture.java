package dev.lakehouse.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Shared test settings (short timings, small data, admin API on) and small HTTP/SDK helpers. */
final class EmulatorFixture {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EmulatorFixture() { }

    /** Fast timings and tiny data; one workspace ({@code acme}) unless the caller adds more. */
    static EmulatorProperties fastProperties() {
        EmulatorProperties p = new EmulatorProperties();
        p.getAdmin().setEnabled(true);
        p.getWorkspaces().put("acme", new EmulatorProperties.WorkspaceProperties());
        p.getData().setTpchScaleFactor(0.001);
        p.getData().setNyctaxiTrips(500);
        p.getSql().setPendingTime(Duration.ofMillis(50));
        p.getSql().setChunkRows(100);
        p.getCompute().setClusterStartTime(Duration.ofMillis(300));
        p.getCompute().setClusterRestartTime(Duration.ofMillis(300));
        p.getCompute().setClusterResizeTime(Duration.ofMillis(300));
        p.getCompute().setClusterTerminateTime(Duration.ofMillis(300));
        p.getCompute().setWarehouseStartTime(Duration.ofMillis(300));
        p.getCompute().setWarehouseStopTime(Duration.ofMillis(300));
        p.getJobs().setPendingTime(Duration.ofMillis(200));
        p.getJobs().setMinRunTime(Duration.ofMillis(200));
        p.getJobs().setTerminatingTime(Duration.ofMillis(100));
        return p;
    }

    static WorkspaceClient patClient(Workspace ws) {
        return new WorkspaceClient(new DatabricksConfig().setHost(ws.url()).setToken(ws.settings().pats().get(0))
                .setAuthType("pat"));
    }

    static WorkspaceClient m2mClient(Workspace ws) {
        EmulatorProperties.M2mClient client = ws.settings().m2mClients().get(0);
        return new WorkspaceClient(new DatabricksConfig().setHost(ws.url()).setClientId(client.getClientId())
                .setClientSecret(client.getClientSecret()).setAuthType("oauth-m2m"));
    }

    /** A finished HTTP exchange with the body parsed as JSON when possible. */
    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    static Reply get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    static Reply post(String url, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    static Reply put(String url, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static Reply delete(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).DELETE().build());
    }

    static Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response);
    }

    static String pat(Workspace ws) {
        return ws.settings().pats().get(0);
    }

    /** Executes a statement over raw HTTP and returns the JSON reply. */
    static JsonNode statement(Workspace ws, String sql, String extraJson) throws Exception {
        String body = "{\"statement\":" + JSON.writeValueAsString(sql) + ",\"warehouse_id\":\""
                + ws.settings().warehouseId() + "\"" + (extraJson == null ? "" : "," + extraJson) + "}";
        Reply reply = post(ws.url() + "/api/2.0/sql/statements", pat(ws), body);
        if (reply.status() != 200) {
            throw new AssertionError("HTTP " + reply.status() + ": " + reply.body());
        }
        return reply.json();
    }
}
