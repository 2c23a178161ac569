package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.EmulatorFixture.Reply;

/** Statement states over time (PENDING, CLOSED, 404), limits, warehouse auto-start and workspace isolation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class StatementLifecycleTest {

    private EmulatorServer server;
    private Workspace acme;
    private Workspace globex;

    @BeforeAll
    void start() {
        EmulatorProperties p = EmulatorFixture.fastProperties();
        p.getWorkspaces().put("globex", new EmulatorProperties.WorkspaceProperties());
        p.getSql().setPendingTime(Duration.ofMillis(400));
        p.getSql().setResultRetention(Duration.ofMillis(1500));
        p.getSql().setForgetAfter(Duration.ofMillis(2500));
        p.getCompute().setWarehouseStartTime(Duration.ofMillis(500));
        server = new EmulatorServer(p).start();
        acme = server.workspace("acme");
        globex = server.workspace("globex");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Reply getStatement(Workspace ws, String id) throws Exception {
        return EmulatorFixture.get(ws.url() + "/api/2.0/sql/statements/" + id, EmulatorFixture.pat(ws));
    }

    @Test
    void statementGoesPendingRunningSucceededClosedAndFinally404() throws Exception {
        JsonNode submitted = EmulatorFixture.statement(acme, "SELECT sleep(0.6) AS s", "\"wait_timeout\":\"0s\"");
        String id = submitted.get("statement_id").asText();
        assertThat(id).startsWith("01ef");
        assertThat(submitted.get("status").get("state").asText()).isEqualTo("PENDING");
        assertThat(getStatement(acme, id).json().get("status").get("state").asText()).isEqualTo("PENDING");
        Thread.sleep(600);
        assertThat(getStatement(acme, id).json().get("status").get("state").asText()).isEqualTo("RUNNING");
        String state = "";
        for (int i = 0; i < 100 && !state.equals("SUCCEEDED"); i++) {
            Thread.sleep(20);
            state = getStatement(acme, id).json().get("status").get("state").asText();
        }
        assertThat(state).isEqualTo("SUCCEEDED");
        JsonNode chunk = EmulatorFixture.get(acme.url() + "/api/2.0/sql/statements/" + id + "/result/chunks/0",
                EmulatorFixture.pat(acme)).json();
        assertThat(chunk.get("data_array").get(0).get(0).asText()).isEqualTo("0.6");
        Thread.sleep(1700);
        JsonNode closed = getStatement(acme, id).json();
        assertThat(closed.get("status").get("state").asText()).isEqualTo("CLOSED");
        assertThat(closed.has("manifest")).isFalse();
        Thread.sleep(1100);
        Reply gone = getStatement(acme, id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("message").asText()).contains(id);
    }

    @Test
    void rowAndByteLimitsTruncate() throws Exception {
        JsonNode rows = EmulatorFixture.statement(acme, "SELECT * FROM range(50)", "\"row_limit\":10");
        assertThat(rows.get("manifest").get("total_row_count").asInt()).isEqualTo(10);
        assertThat(rows.get("manifest").get("truncated").asBoolean()).isTrue();
        JsonNode bytes = EmulatorFixture.statement(acme, "SELECT 'abcdefghij' AS v FROM range(50)", "\"byte_limit\":100");
        assertThat(bytes.get("manifest").get("total_row_count").asInt()).isEqualTo(10);
        assertThat(bytes.get("manifest").get("truncated").asBoolean()).isTrue();
        JsonNode all = EmulatorFixture.statement(acme, "SELECT * FROM range(50)", null);
        assertThat(all.get("manifest").get("truncated").asBoolean()).isFalse();
    }

    @Test
    void emptyResultsAndDdlHaveNoData() throws Exception {
        JsonNode empty = EmulatorFixture.statement(acme, "SELECT * FROM samples.tpch.nation WHERE 1 = 0", null);
        assertThat(empty.get("manifest").get("total_chunk_count").asInt()).isZero();
        assertThat(empty.get("manifest").get("schema").get("column_count").asInt()).isEqualTo(4);
        assertThat(empty.get("result").isEmpty()).isTrue();
        JsonNode insert = EmulatorFixture.statement(acme, "INSERT INTO main.default.departments VALUES (9, 'Legal', 'Rome')", null);
        assertThat(insert.get("manifest").get("schema").get("columns").get(0).get("name").asText())
                .isEqualTo("num_affected_rows");
        assertThat(insert.get("result").get("data_array").get(0).get(0).asText()).isEqualTo("1");
    }

    @Test
    void databricksDialectBitsWork() throws Exception {
        JsonNode r = EmulatorFixture.statement(acme, "SELECT `n_name` FROM samples.tpch.nation WHERE n_name = \"JAPAN\"",
                null);
        assertThat(r.get("result").get("data_array").get(0).get(0).asText()).isEqualTo("JAPAN");
        JsonNode scoped = EmulatorFixture.statement(acme, "SELECT count(*) AS n FROM nation",
                "\"catalog\":\"samples\",\"schema\":\"tpch\"");
        assertThat(scoped.get("result").get("data_array").get(0).get(0).asText()).isEqualTo("25");
        JsonNode typed = EmulatorFixture.statement(acme, "SELECT :d AS d, :n + 1 AS n, :s AS s",
                "\"parameters\":[{\"name\":\"d\",\"value\":\"2024-02-29\",\"type\":\"DATE\"},"
                        + "{\"name\":\"n\",\"value\":\"41\",\"type\":\"BIGINT\"},{\"name\":\"s\"}]");
        assertThat(typed.get("manifest").get("schema").get("columns").get(0).get("type_name").asText()).isEqualTo("DATE");
        assertThat(typed.get("result").get("data_array").get(0).get(1).asText()).isEqualTo("42");
        assertThat(typed.get("result").get("data_array").get(0).get(2).isNull()).isTrue();
        JsonNode badCast = EmulatorFixture.statement(acme, "SELECT :d", "\"parameters\":[{\"name\":\"d\",\"value\":\"x\",\"type\":\"INT\"}]");
        assertThat(badCast.get("status").get("state").asText()).isEqualTo("FAILED");
        assertThat(badCast.get("status").get("sql_state").asText()).isEqualTo("22018");
    }

    @Test
    void statementOnStoppedWarehouseStartsIt() throws Exception {
        String token = EmulatorFixture.pat(acme);
        JsonNode list = EmulatorFixture.get(acme.url() + "/api/2.0/sql/warehouses", token).json();
        String stopped = null;
        for (JsonNode w : list.get("warehouses")) {
            if (w.get("state").asText().equals("STOPPED")) {
                stopped = w.get("id").asText();
            }
        }
        assertThat(stopped).isNotNull();
        JsonNode r = EmulatorFixture.post(acme.url() + "/api/2.0/sql/statements", token,
                "{\"statement\":\"SELECT 7\",\"warehouse_id\":\"" + stopped + "\",\"wait_timeout\":\"10s\"}").json();
        assertThat(r.get("status").get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.0/sql/warehouses/" + stopped, token).json().get("state").asText())
                .isEqualTo("RUNNING");
    }

    @Test
    void workspacesHaveTheirOwnDataAndCredentials() throws Exception {
        EmulatorFixture.statement(acme, "CREATE TABLE main.default.only_in_acme AS SELECT 1 AS x", null);
        assertThat(EmulatorFixture.get(acme.url() + "/api/2.1/unity-catalog/tables/main.default.only_in_acme/exists",
                EmulatorFixture.pat(acme)).json().get("table_exists").asBoolean()).isTrue();
        assertThat(EmulatorFixture.get(globex.url() + "/api/2.1/unity-catalog/tables/main.default.only_in_acme/exists",
                EmulatorFixture.pat(globex)).json().get("table_exists").asBoolean()).isFalse();
        assertThat(EmulatorFixture.get(globex.url() + "/api/2.0/preview/scim/v2/Me", EmulatorFixture.pat(acme)).status())
                .isEqualTo(403);
        assertThat(globex.url()).isNotEqualTo(acme.url());
        assertThat(globex.settings().warehouseId()).isNotEqualTo(acme.settings().warehouseId());
    }
}
