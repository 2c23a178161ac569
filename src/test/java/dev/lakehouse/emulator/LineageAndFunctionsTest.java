package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.service.catalog.ColumnTypeName;
import com.databricks.sdk.service.catalog.FunctionInfo;
import com.databricks.sdk.service.catalog.FunctionParameterInfo;
import com.databricks.sdk.service.catalog.FunctionParameterMode;
import com.databricks.sdk.service.catalog.FunctionParameterType;
import com.databricks.sdk.service.sql.ColumnInfoTypeName;
import com.databricks.sdk.service.sql.ExecuteStatementRequest;
import com.databricks.sdk.service.sql.StatementParameterListItem;
import com.databricks.sdk.service.sql.StatementResponse;
import com.databricks.sdk.service.sql.StatementState;
import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.sql.CatalogNames;
import dev.lakehouse.emulator.sql.SqlTranslator;
import dev.lakehouse.emulator.workspaceapi.WorkspaceTree;

/** Typed Unity Catalog functions (SDK), named-argument SQL (SDK statements) and lineage (raw HTTP). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class LineageAndFunctionsTest {

    private EmulatorServer server;
    private Workspace acme;
    private WorkspaceClient w;

    @BeforeAll
    void start() {
        server = new EmulatorServer(EmulatorFixture.fastProperties()).start();
        acme = server.workspace("acme");
        w = EmulatorFixture.patClient(acme);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    // ---- functions -----------------------------------------------------------------------------

    @Test
    void scalarFunctionHasTypedParameters() {
        FunctionInfo f = w.functions().get("main.default.net_price");
        assertThat(f.getDataType()).isEqualTo(ColumnTypeName.DOUBLE);
        assertThat(f.getFullDataType()).isEqualTo("DOUBLE");
        assertThat(f.getRoutineDefinition()).isEqualTo("price * (1 - discount)");
        assertThat(f.getReturnParams()).isNull();
        List<FunctionParameterInfo> params = List.copyOf(f.getInputParams().getParameters());
        assertThat(params).extracting(FunctionParameterInfo::getName, FunctionParameterInfo::getTypeName,
                        FunctionParameterInfo::getTypeText, FunctionParameterInfo::getPosition)
                .containsExactly(tuple("price", ColumnTypeName.DOUBLE, "double", 0L),
                        tuple("discount", ColumnTypeName.DOUBLE, "double", 1L));
        assertThat(params.get(0).getParameterMode()).isEqualTo(FunctionParameterMode.IN);
        assertThat(params.get(0).getParameterType()).isEqualTo(FunctionParameterType.PARAM);
        assertThat(params.get(0).getComment()).isEqualTo("List price");
        assertThat(params.get(0).getTypeJson()).contains("\"name\":\"price\"").contains("\"type\":\"double\"");
    }

    @Test
    void tableFunctionReturnsTypedColumns() {
        FunctionInfo f = w.functions().get("main.default.employees_in_department");
        assertThat(f.getDataType()).isEqualTo(ColumnTypeName.TABLE_TYPE);
        assertThat(f.getFullDataType()).isEqualTo("TABLE(emp_id BIGINT, name STRING, salary DECIMAL(10,2), hired_on DATE)");
        assertThat(f.getInputParams().getParameters()).extracting(FunctionParameterInfo::getName,
                FunctionParameterInfo::getTypeName).containsExactly(tuple("dept", ColumnTypeName.STRING));
        List<FunctionParameterInfo> columns = List.copyOf(f.getReturnParams().getParameters());
        assertThat(columns).extracting(FunctionParameterInfo::getName, FunctionParameterInfo::getTypeText,
                        FunctionParameterInfo::getTypeName)
                .containsExactly(tuple("emp_id", "bigint", ColumnTypeName.LONG), tuple("name", "string", ColumnTypeName.STRING),
                        tuple("salary", "decimal(10,2)", ColumnTypeName.DECIMAL), tuple("hired_on", "date", ColumnTypeName.DATE));
        assertThat(columns.get(2).getTypePrecision()).isEqualTo(10L);
        assertThat(columns.get(2).getTypeScale()).isEqualTo(2L);
        assertThat(columns).allSatisfy(c -> assertThat(c.getParameterType()).isEqualTo(FunctionParameterType.COLUMN));
    }

    // ---- named arguments in SQL ------------------------------------------------------------------

    private StatementResponse run(String sql, StatementParameterListItem... parameters) {
        StatementResponse r = w.statementExecution().executeStatement(new ExecuteStatementRequest().setStatement(sql)
                .setWarehouseId(acme.settings().warehouseId()).setWaitTimeout("10s").setParameters(List.of(parameters)));
        assertThat(r.getStatus().getState()).as(String.valueOf(r.getStatus().getError())).isEqualTo(StatementState.SUCCEEDED);
        return r;
    }

    @Test
    void scalarFunctionTakesNamedArgumentsInAnyOrder() {
        StatementResponse r = run("SELECT main.default.net_price(price => 10.0, discount => 0.1) AS p, "
                + "main.default.net_price(discount => 0.5, price => 8) AS q");
        assertThat(r.getManifest().getSchema().getColumns().iterator().next().getTypeName()).isEqualTo(ColumnInfoTypeName.DOUBLE);
        List<String> row = List.copyOf(r.getResult().getDataArray().iterator().next());
        assertThat(Double.parseDouble(row.get(0))).isCloseTo(9.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Double.parseDouble(row.get(1))).isEqualTo(4.0);
    }

    @Test
    void namedArgumentsTakeStatementParameters() {
        StatementResponse r = run("SELECT main.default.net_price(discount => :d, price => :p) AS p",
                new StatementParameterListItem().setName("p").setValue("200").setType("DOUBLE"),
                new StatementParameterListItem().setName("d").setValue("0.25").setType("DOUBLE"));
        assertThat(Double.parseDouble(r.getResult().getDataArray().iterator().next().iterator().next())).isEqualTo(150.0);
    }

    @Test
    void tableFunctionTakesANamedParameter() {
        StatementResponse expected = run("SELECT count(*) FROM main.default.employees e "
                + "JOIN main.default.departments d USING (dept_id) WHERE d.dept_name = 'Engineering'");
        long engineers = Long.parseLong(expected.getResult().getDataArray().iterator().next().iterator().next());
        assertThat(engineers).isPositive();

        StatementResponse r = run("SELECT * FROM main.default.employees_in_department(dept => :dept)",
                new StatementParameterListItem().setName("dept").setValue("Engineering"));
        assertThat(r.getManifest().getSchema().getColumns()).extracting(c -> c.getName(), c -> c.getTypeText())
                .containsExactly(tuple("emp_id", "BIGINT"), tuple("name", "STRING"), tuple("salary", "DECIMAL(10,2)"),
                        tuple("hired_on", "DATE"));
        assertThat(r.getManifest().getTotalRowCount()).isEqualTo(engineers);

        StatementResponse positional = run("SELECT count(*) FROM main.default.employees_in_department('Engineering')");
        assertThat(positional.getResult().getDataArray().iterator().next().iterator().next())
                .isEqualTo(String.valueOf(engineers));
    }

    @Test
    void arrowIsRewrittenOnlyAsANamedArgument() {
        CatalogNames names = new CatalogNames();
        names.register("main");
        SqlTranslator translator = new SqlTranslator(names);
        assertThat(translator.translate("SELECT main.default.f(x => 1, y=>:v), 'a => b', a <=> b", n -> "INTEGER").sql())
                .isEqualTo("SELECT \"main_uc\".\"default\".f(x := 1, y:=CAST(? AS INTEGER)), 'a => b', a <=> b");
    }

    // ---- lineage -------------------------------------------------------------------------------

    private JsonNode lineage(String query) throws Exception {
        EmulatorFixture.Reply reply = EmulatorFixture.get(acme.url() + "/api/2.0/lineage-tracking/" + query,
                EmulatorFixture.pat(acme));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    @Test
    void viewHasTwoUpstreamTablesBuiltByTheHeadcountNotebook() throws Exception {
        JsonNode plain = lineage("table-lineage?table_name=main.default.department_headcount");
        assertThat(plain.path("upstreams")).hasSize(2);
        assertThat(plain.path("downstreams")).isEmpty();
        JsonNode first = plain.path("upstreams").get(0);
        assertThat(first.path("tableInfo").path("name").asText()).isEqualTo("employees");
        assertThat(first.path("tableInfo").path("catalog_name").asText()).isEqualTo("main");
        assertThat(first.path("tableInfo").path("schema_name").asText()).isEqualTo("default");
        assertThat(first.path("tableInfo").path("table_type").asText()).isEqualTo("TABLE");
        assertThat(first.path("tableInfo").path("lineage_timestamp").asText()).isEqualTo("2025-01-06 11:00:00.0");
        assertThat(first.has("notebookInfos")).isFalse();
        assertThat(plain.path("upstreams").get(1).path("tableInfo").path("name").asText()).isEqualTo("departments");

        JsonNode withEntities = lineage("table-lineage?table_name=MAIN.default.department_headcount&include_entity_lineage=true");
        JsonNode notebook = withEntities.path("upstreams").get(0).path("notebookInfos").get(0);
        long headcountId = WorkspaceTree.objectIdOf("acme", WorkspaceTree.HEADCOUNT);
        assertThat(notebook.path("notebook_id").asLong()).isEqualTo(headcountId);
        assertThat(notebook.path("workspace_id").isNumber()).isTrue();
        assertThat(notebook.path("workspace_id").asText()).isEqualTo(acme.settings().workspaceId());
        // the id is the one the Workspace API reports for the notebook
        JsonNode status = EmulatorFixture.get(acme.url() + "/api/2.0/workspace/get-status?path=/Shared/Reports/Headcount",
                EmulatorFixture.pat(acme)).json();
        assertThat(status.path("object_id").asLong()).isEqualTo(headcountId);
    }

    @Test
    void tableDownstreamsNameTheViewAndTheJobThatRead() throws Exception {
        JsonNode employees = lineage("table-lineage?table_name=main.default.employees");
        assertThat(employees.path("upstreams")).isEmpty();
        assertThat(employees.path("downstreams")).hasSize(1);
        assertThat(employees.path("downstreams").get(0).path("tableInfo").path("name").asText()).isEqualTo("department_headcount");
        assertThat(employees.path("downstreams").get(0).path("tableInfo").path("table_type").asText()).isEqualTo("VIEW");

        JsonNode orders = lineage("table-lineage?table_name=samples.tpch.orders");
        assertThat(orders.path("downstreams")).hasSize(1);
        assertThat(orders.path("downstreams").get(0).path("tableInfo").path("name").asText()).isEqualTo("daily_revenue");
        JsonNode ordersWithEntities = lineage("table-lineage?table_name=samples.tpch.orders&include_entity_lineage=true");
        assertThat(ordersWithEntities.path("downstreams")).hasSize(2);
        JsonNode jobRead = ordersWithEntities.path("downstreams").get(1);
        assertThat(jobRead.has("tableInfo")).isFalse();
        assertThat(jobRead.path("jobInfos").get(0).path("job_id").asLong()).isEqualTo(700_000_000_001L);
        assertThat(ordersWithEntities.path("downstreams").get(0).path("notebookInfos").get(0).path("notebook_id").asLong())
                .isEqualTo(WorkspaceTree.objectIdOf("acme", WorkspaceTree.DAILY_REVENUE));

        JsonNode nominal = lineage("table-lineage?table_name=main.default.daily_revenue");
        assertThat(nominal.path("upstreams")).extracting(u -> u.path("tableInfo").path("name").asText())
                .containsExactly("orders", "lineitem");
    }

    @Test
    void columnLineageLinksViewColumnsToTheirSources() throws Exception {
        JsonNode headcount = lineage("column-lineage?table_name=main.default.department_headcount&column_name=headcount");
        assertThat(headcount.path("upstream_cols")).hasSize(1);
        JsonNode source = headcount.path("upstream_cols").get(0);
        assertThat(source.path("name").asText()).isEqualTo("emp_id");
        assertThat(source.path("table_name").asText()).isEqualTo("employees");
        assertThat(source.path("catalog_name").asText()).isEqualTo("main");
        assertThat(source.path("schema_name").asText()).isEqualTo("default");
        assertThat(source.path("table_type").asText()).isEqualTo("TABLE");
        assertThat(headcount.path("downstream_cols")).isEmpty();

        JsonNode deptName = lineage("column-lineage?table_name=main.default.departments&column_name=dept_name");
        assertThat(deptName.path("upstream_cols")).isEmpty();
        assertThat(deptName.path("downstream_cols").get(0).path("table_name").asText()).isEqualTo("department_headcount");
        assertThat(deptName.path("downstream_cols").get(0).path("name").asText()).isEqualTo("dept_name");
        assertThat(deptName.path("downstream_cols").get(0).path("table_type").asText()).isEqualTo("VIEW");
    }

    @Test
    void tablesWithoutLineageAreEmptyAndBadInputIsRejected() throws Exception {
        JsonNode nation = lineage("table-lineage?table_name=samples.tpch.nation");
        assertThat(nation.path("upstreams").isArray()).isTrue();
        assertThat(nation.path("upstreams")).isEmpty();
        assertThat(nation.path("downstreams")).isEmpty();

        String base = acme.url() + "/api/2.0/lineage-tracking/";
        EmulatorFixture.Reply unknown = EmulatorFixture.get(base + "table-lineage?table_name=main.default.nope",
                EmulatorFixture.pat(acme));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error_code").asText()).isEqualTo("TABLE_DOES_NOT_EXIST");

        EmulatorFixture.Reply missing = EmulatorFixture.get(base + "table-lineage", EmulatorFixture.pat(acme));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(missing.json().path("message").asText()).contains("table_name");

        EmulatorFixture.Reply noColumn = EmulatorFixture.get(base + "column-lineage?table_name=main.default.employees",
                EmulatorFixture.pat(acme));
        assertThat(noColumn.status()).isEqualTo(400);
        assertThat(noColumn.json().path("message").asText()).contains("column_name");

        EmulatorFixture.Reply notThreePart = EmulatorFixture.get(base + "table-lineage?table_name=employees",
                EmulatorFixture.pat(acme));
        assertThat(notThreePart.status()).isEqualTo(400);
    }
}
