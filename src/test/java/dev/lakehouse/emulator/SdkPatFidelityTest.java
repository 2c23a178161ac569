package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.InvalidParameterValue;
import com.databricks.sdk.core.error.platform.InvalidState;
import com.databricks.sdk.core.error.platform.NotFound;
import com.databricks.sdk.core.error.platform.ResourceDoesNotExist;
import com.databricks.sdk.service.catalog.CatalogInfo;
import com.databricks.sdk.service.catalog.ColumnTypeName;
import com.databricks.sdk.service.catalog.ListCatalogsRequest;
import com.databricks.sdk.service.catalog.ListFunctionsRequest;
import com.databricks.sdk.service.catalog.ListSchemasRequest;
import com.databricks.sdk.service.catalog.ListSummariesRequest;
import com.databricks.sdk.service.catalog.ListTablesRequest;
import com.databricks.sdk.service.catalog.ListVolumesRequest;
import com.databricks.sdk.service.catalog.TableInfo;
import com.databricks.sdk.service.compute.ClusterDetails;
import com.databricks.sdk.service.compute.EditCluster;
import com.databricks.sdk.service.compute.ListClustersRequest;
import com.databricks.sdk.service.compute.ResizeCluster;
import com.databricks.sdk.service.compute.RestartCluster;
import com.databricks.sdk.service.compute.State;
import com.databricks.sdk.service.jobs.BaseJob;
import com.databricks.sdk.service.jobs.BaseRun;
import com.databricks.sdk.service.jobs.ListJobsRequest;
import com.databricks.sdk.service.jobs.ListRunsRequest;
import com.databricks.sdk.service.jobs.Run;
import com.databricks.sdk.service.jobs.RunLifeCycleState;
import com.databricks.sdk.service.jobs.RunNow;
import com.databricks.sdk.service.jobs.RunOutput;
import com.databricks.sdk.service.jobs.RunResultState;
import com.databricks.sdk.service.sql.CancelExecutionRequest;
import com.databricks.sdk.service.sql.ColumnInfoTypeName;
import com.databricks.sdk.service.sql.EndpointInfo;
import com.databricks.sdk.service.sql.ExecuteStatementRequest;
import com.databricks.sdk.service.sql.ExecuteStatementRequestOnWaitTimeout;
import com.databricks.sdk.service.sql.ListWarehousesRequest;
import com.databricks.sdk.service.sql.ResultData;
import com.databricks.sdk.service.sql.StartRequest;
import com.databricks.sdk.service.sql.StatementParameterListItem;
import com.databricks.sdk.service.sql.StatementResponse;
import com.databricks.sdk.service.sql.StatementState;
import com.databricks.sdk.service.sql.StopRequest;

/** Drives the emulator through the official Databricks SDK for Java with a personal access token. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class SdkPatFidelityTest {

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

    private static <T> List<T> all(Iterable<T> iterable) {
        return StreamSupport.stream(iterable.spliterator(), false).toList();
    }

    @Test
    void currentUserIsTheWorkspaceUser() {
        assertThat(w.currentUser().me(new com.databricks.sdk.service.iam.MeRequest()).getUserName()).isEqualTo("alice@acme.example");
    }

    @Test
    void catalogsSchemasAndTablesAreListedAcrossPages() {
        acme.requestLog().reset();
        List<CatalogInfo> catalogs = all(w.catalogs().list(new ListCatalogsRequest().setMaxResults(1L)));
        assertThat(catalogs).extracting(CatalogInfo::getName).containsExactly("main", "samples");
        assertThat(acme.requestLog().count("GET", "/api/2.1/unity-catalog/catalogs")).isEqualTo(2);

        assertThat(all(w.schemas().list(new ListSchemasRequest().setCatalogName("samples").setMaxResults(1L))))
                .extracting(s -> s.getFullName()).containsExactly("samples.nyctaxi", "samples.tpch");
        assertThat(w.schemas().get("main.default").getCatalogName()).isEqualTo("main");
        assertThat(w.catalogs().get("samples").getName()).isEqualTo("samples");

        List<TableInfo> tables = all(w.tables().list(new ListTablesRequest().setCatalogName("samples")
                .setSchemaName("tpch").setMaxResults(2L)));
        assertThat(tables).extracting(TableInfo::getName)
                .containsExactly("customer", "lineitem", "nation", "orders", "part", "region", "supplier");
        assertThat(acme.requestLog().count("GET", "/api/2.1/unity-catalog/tables")).isEqualTo(4);
    }

    @Test
    void tableMetadataComesFromTheRealSchema() {
        TableInfo orders = w.tables().get("samples.tpch.orders");
        assertThat(orders.getFullName()).isEqualTo("samples.tpch.orders");
        assertThat(orders.getComment()).contains("TPC-H orders");
        assertThat(orders.getColumns()).hasSize(9);
        assertThat(orders.getColumns().iterator().next().getTypeName()).isEqualTo(ColumnTypeName.LONG);
        var price = orders.getColumns().stream().filter(c -> c.getName().equals("o_totalprice")).findFirst().orElseThrow();
        assertThat(price.getTypeText()).isEqualTo("decimal(18,2)");
        assertThat(price.getTypePrecision()).isEqualTo(18L);
        assertThat(price.getTypeJson()).contains("\"type\":\"decimal(18,2)\"");

        assertThat(w.tables().exists("samples.tpch.orders").getTableExists()).isTrue();
        assertThat(w.tables().exists("samples.tpch.nope").getTableExists()).isFalse();
        assertThat(all(w.tables().listSummaries(new ListSummariesRequest().setCatalogName("samples")
                .setTableNamePattern("%item%"))))
                .extracting(s -> s.getFullName()).containsExactly("samples.tpch.lineitem");
    }

    @Test
    void tablesCreatedWithSqlShowUpInUnityCatalog() {
        StatementResponse created = w.statementExecution().executeStatement(sql(
                "CREATE TABLE main.default.sdk_created AS SELECT 1 AS id, 'x' AS label").setWaitTimeout("10s"));
        assertThat(created.getStatus().getState()).isEqualTo(StatementState.SUCCEEDED);
        TableInfo table = w.tables().get("main.default.sdk_created");
        assertThat(table.getColumns()).extracting(c -> c.getTypeText()).containsExactly("int", "string");
    }

    @Test
    void functionsAndVolumesAreListed() {
        assertThat(all(w.functions().list(new ListFunctionsRequest().setCatalogName("main").setSchemaName("default"))))
                .extracting(f -> f.getFullName()).containsExactly("main.default.employees_in_department", "main.default.net_price");
        assertThat(w.functions().get("main.default.net_price").getInputParams().getParameters()).hasSize(2);
        assertThat(all(w.volumes().list(new ListVolumesRequest().setCatalogName("main").setSchemaName("default"))))
                .extracting(v -> v.getName()).containsExactly("landing", "exports");
        assertThat(w.volumes().read("main.default.landing").getVolumeType().name()).isEqualTo("MANAGED");
    }

    @Test
    void notFoundErrorsMapToSdkExceptions() {
        assertThatThrownBy(() -> w.tables().get("samples.tpch.nope")).isInstanceOf(NotFound.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> w.catalogs().get("nope")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> w.clusters().get("0000-000000-nothere")).isInstanceOf(ResourceDoesNotExist.class)
                .hasMessageContaining("Cluster 0000-000000-nothere does not exist");
        assertThatThrownBy(() -> w.jobs().get(42L)).isInstanceOf(ResourceDoesNotExist.class);
        assertThatThrownBy(() -> w.jobs().getRun(42L)).isInstanceOf(ResourceDoesNotExist.class);
        assertThatThrownBy(() -> w.warehouses().get("0123456789abcdef")).isInstanceOf(ResourceDoesNotExist.class);
        assertThatThrownBy(() -> w.statementExecution().getStatement("01ef0000-0000-0000-0000-000000000000"))
                .isInstanceOf(NotFound.class);
    }

    private ExecuteStatementRequest sql(String statement) {
        return new ExecuteStatementRequest().setStatement(statement).setWarehouseId(acme.settings().warehouseId());
    }

    @Test
    void synchronousStatementReturnsManifestAndData() {
        StatementResponse r = w.statementExecution().executeStatement(sql(
                "SELECT n_nationkey, n_name FROM samples.tpch.nation WHERE n_regionkey = :region ORDER BY n_nationkey")
                .setParameters(List.of(new StatementParameterListItem().setName("region").setValue("3").setType("INT")))
                .setWaitTimeout("10s"));
        assertThat(r.getStatus().getState()).isEqualTo(StatementState.SUCCEEDED);
        assertThat(r.getManifest().getSchema().getColumns()).extracting(c -> c.getTypeName())
                .containsExactly(ColumnInfoTypeName.LONG, ColumnInfoTypeName.STRING);
        assertThat(r.getManifest().getTotalRowCount()).isEqualTo(5L);
        List<List<String>> rows = new ArrayList<>();
        r.getResult().getDataArray().forEach(row -> rows.add(List.copyOf(row)));
        assertThat(rows.get(0)).containsExactly("6", "FRANCE");
    }

    @Test
    void asynchronousStatementIsPolledToCompletion() throws Exception {
        StatementResponse submitted = w.statementExecution().executeStatement(sql("SELECT count(*) FROM samples.tpch.lineitem")
                .setWaitTimeout("0s"));
        assertThat(submitted.getStatus().getState()).isEqualTo(StatementState.PENDING);
        assertThat(submitted.getManifest()).isNull();
        StatementResponse done = submitted;
        long deadline = System.currentTimeMillis() + 10_000;
        while (done.getStatus().getState() != StatementState.SUCCEEDED && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            done = w.statementExecution().getStatement(submitted.getStatementId());
        }
        assertThat(done.getStatus().getState()).isEqualTo(StatementState.SUCCEEDED);
        assertThat(Long.parseLong(done.getResult().getDataArray().iterator().next().iterator().next())).isPositive();
    }

    @Test
    void everyChunkOfAMultiChunkResultIsFetched() {
        StatementResponse r = w.statementExecution().executeStatement(sql(
                "SELECT c_custkey FROM samples.tpch.customer ORDER BY c_custkey").setWaitTimeout("10s"));
        long total = r.getManifest().getTotalRowCount();
        long chunks = r.getManifest().getTotalChunkCount();
        assertThat(total).isEqualTo(150);
        assertThat(chunks).isEqualTo(2);
        List<String> keys = new ArrayList<>();
        r.getResult().getDataArray().forEach(row -> keys.add(row.iterator().next()));
        Long next = r.getResult().getNextChunkIndex();
        while (next != null) {
            ResultData chunk = w.statementExecution().getStatementResultChunkN(r.getStatementId(), next);
            assertThat(chunk.getRowOffset()).isEqualTo(keys.size());
            chunk.getDataArray().forEach(row -> keys.add(row.iterator().next()));
            next = chunk.getNextChunkIndex();
        }
        assertThat(keys).hasSize(150).startsWith("1", "2").endsWith("150");
    }

    @Test
    void runningStatementIsCancelled() throws Exception {
        StatementResponse r = w.statementExecution().executeStatement(sql("SELECT sleep(30) AS slept").setWaitTimeout("0s"));
        Thread.sleep(300);
        assertThat(w.statementExecution().getStatement(r.getStatementId()).getStatus().getState())
                .isEqualTo(StatementState.RUNNING);
        long started = System.nanoTime();
        w.statementExecution().cancelExecution(new CancelExecutionRequest().setStatementId(r.getStatementId()));
        assertThat(w.statementExecution().getStatement(r.getStatementId()).getStatus().getState())
                .isEqualTo(StatementState.CANCELED);
        // the worker really stops: a new statement still gets a free slot quickly
        assertThat(w.statementExecution().executeStatement(sql("SELECT 1").setWaitTimeout("5s")).getStatus().getState())
                .isEqualTo(StatementState.SUCCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void waitTimeoutWithCancelCancelsTheStatement() {
        StatementResponse r = w.statementExecution().executeStatement(sql("SELECT sleep(20)").setWaitTimeout("5s")
                .setOnWaitTimeout(ExecuteStatementRequestOnWaitTimeout.CANCEL));
        assertThat(r.getStatus().getState()).isEqualTo(StatementState.CANCELED);
    }

    @Test
    void failedStatementIsHttp200WithError() {
        StatementResponse r = w.statementExecution().executeStatement(sql("SELECT * FROM samples.tpch.nope").setWaitTimeout("10s"));
        assertThat(r.getStatus().getState()).isEqualTo(StatementState.FAILED);
        assertThat(r.getStatus().getError().getMessage()).startsWith("[TABLE_OR_VIEW_NOT_FOUND]");
        assertThat(r.getStatus().getSqlState()).isEqualTo("42P01");
    }

    @Test
    void sqlJobRunsToCompletionAndItsOutputCarriesTheResult() throws Exception {
        BaseJob job = all(w.jobs().list(new ListJobsRequest().setName("Revenue by region"))).get(0);
        assertThat(w.jobs().get(job.getJobId()).getSettings().getTasks()).hasSize(1);
        assertThat(all(w.jobs().list(new ListJobsRequest().setLimit(1L)))).hasSize(3);
        Run run = w.jobs().runNow(new RunNow().setJobId(job.getJobId())
                .setJobParameters(Map.of("min_order_date", "1995-01-01"))).get(Duration.ofSeconds(30));
        assertThat(run.getState().getLifeCycleState()).isEqualTo(RunLifeCycleState.TERMINATED);
        assertThat(run.getState().getResultState()).isEqualTo(RunResultState.SUCCESS);
        assertThat(run.getStatus().getTerminationDetails().getCode().name()).isEqualTo("SUCCESS");
        assertThatThrownBy(() -> w.jobs().getRunOutput(run.getRunId())).isInstanceOf(InvalidParameterValue.class)
                .hasMessageContaining("multiple tasks");
        RunOutput output = w.jobs().getRunOutput(run.getTasks().iterator().next().getRunId());
        String lookupKey = output.getSqlOutput().getQueryOutput().getSqlStatements().iterator().next().getLookupKey();
        StatementResponse result = w.statementExecution().getStatement(lookupKey);
        assertThat(result.getManifest().getTotalRowCount()).isEqualTo(5L);
        assertThat(result.getResult().getDataArray().iterator().next().iterator().next()).isEqualTo("AFRICA");
        assertThat(all(w.jobs().listRuns(new ListRunsRequest().setJobId(job.getJobId()))))
                .extracting(BaseRun::getRunId).contains(run.getRunId());
    }

    @Test
    void notebookJobReturnsItsExitValueAndIdempotencyTokenDeduplicates() throws Exception {
        BaseJob job = all(w.jobs().list(new ListJobsRequest().setName("Nation count"))).get(0);
        long first = w.jobs().runNow(new RunNow().setJobId(job.getJobId()).setIdempotencyToken("once")).getResponse().getRunId();
        long second = w.jobs().runNow(new RunNow().setJobId(job.getJobId()).setIdempotencyToken("once")).getResponse().getRunId();
        assertThat(second).isEqualTo(first);
        Run run = w.jobs().waitGetRunJobTerminatedOrSkipped(first, Duration.ofSeconds(30), null);
        RunOutput output = w.jobs().getRunOutput(run.getTasks().iterator().next().getRunId());
        assertThat(output.getNotebookOutput().getResult()).isEqualTo("25");
    }

    @Test
    void failingMultiTaskJobSurfacesAsFailure() {
        BaseJob job = all(w.jobs().list(new ListJobsRequest().setName("Nightly ETL"))).get(0);
        var wait = w.jobs().runNow(new RunNow().setJobId(job.getJobId()));
        assertThatThrownBy(() -> wait.get(Duration.ofSeconds(30))).isInstanceOf(IllegalStateException.class);
        Run run = w.jobs().getRun(wait.getResponse().getRunId());
        assertThat(run.getState().getLifeCycleState()).isEqualTo(RunLifeCycleState.INTERNAL_ERROR);
        assertThat(run.getState().getResultState()).isEqualTo(RunResultState.FAILED);
        assertThat(run.getStatus().getTerminationDetails().getCode().name()).isEqualTo("RUN_EXECUTION_ERROR");
        assertThat(run.getTasks()).extracting(t -> t.getState().getResultState())
                .containsExactly(RunResultState.SUCCESS, RunResultState.FAILED);
    }

    @Test
    void runIsCancelled() throws Exception {
        BaseJob job = all(w.jobs().list(new ListJobsRequest().setName("Nation count"))).get(0);
        long runId = w.jobs().runNow(new RunNow().setJobId(job.getJobId())).getResponse().getRunId();
        Run cancelled = w.jobs().cancelRun(runId).get(Duration.ofSeconds(30));
        assertThat(cancelled.getState().getResultState()).isEqualTo(RunResultState.CANCELED);
        assertThat(cancelled.getStatus().getTerminationDetails().getCode().name()).isEqualTo("USER_CANCELED");
    }

    @Test
    void clusterStateMachineWorksWithTheSdkWaiters() throws Exception {
        List<ClusterDetails> clusters = all(w.clusters().list(new ListClustersRequest()));
        ClusterDetails etl = clusters.stream().filter(c -> c.getState() == State.TERMINATED).findFirst().orElseThrow();
        assertThatThrownBy(() -> w.clusters().resize(new ResizeCluster().setClusterId(etl.getClusterId()).setNumWorkers(3L)))
                .isInstanceOf(InvalidState.class).hasMessageContaining("unexpected state Terminated");

        ClusterDetails running = w.clusters().start(etl.getClusterId()).get(Duration.ofSeconds(30));
        assertThat(running.getState()).isEqualTo(State.RUNNING);
        assertThatThrownBy(() -> w.clusters().start(etl.getClusterId())).isInstanceOf(InvalidState.class);

        assertThat(w.clusters().resize(new ResizeCluster().setClusterId(etl.getClusterId()).setNumWorkers(3L))
                .get(Duration.ofSeconds(30)).getNumWorkers()).isEqualTo(3L);
        assertThat(w.clusters().restart(new RestartCluster().setClusterId(etl.getClusterId())).get(Duration.ofSeconds(30))
                .getState()).isEqualTo(State.RUNNING);
        assertThat(w.clusters().delete(etl.getClusterId()).get(Duration.ofSeconds(30)).getState()).isEqualTo(State.TERMINATED);
    }

    @Test
    void editingARunningClusterRestartsIt() throws Exception {
        ClusterDetails shared = all(w.clusters().list(new ListClustersRequest())).stream()
                .filter(c -> c.getClusterName().endsWith("shared-cluster")).findFirst().orElseThrow();
        ClusterDetails edited = w.clusters().edit(new EditCluster().setClusterId(shared.getClusterId())
                .setSparkVersion("16.4.x-scala2.12").setClusterName(shared.getClusterName()).setNumWorkers(1L))
                .get(Duration.ofSeconds(30));
        assertThat(edited.getState()).isEqualTo(State.RUNNING);
        assertThat(w.clusters().get(shared.getClusterId()).getSparkVersion()).isEqualTo("16.4.x-scala2.12");
        assertThat(edited.getLastRestartedTime()).isNotNull();
    }

    @Test
    void warehouseStartAndStopWaiters() throws Exception {
        EndpointInfo stopped = all(w.warehouses().list(new ListWarehousesRequest())).stream()
                .filter(wh -> wh.getState() == com.databricks.sdk.service.sql.State.STOPPED).findFirst().orElseThrow();
        assertThat(w.warehouses().start(new StartRequest().setId(stopped.getId())).get(Duration.ofSeconds(30)).getState())
                .isEqualTo(com.databricks.sdk.service.sql.State.RUNNING);
        assertThat(w.warehouses().stop(new StopRequest().setId(stopped.getId())).get(Duration.ofSeconds(30)).getState())
                .isEqualTo(com.databricks.sdk.service.sql.State.STOPPED);
    }

    @Test
    void injectedRateLimitsAreRetriedBySdk() throws Exception {
        acme.requestLog().reset();
        EmulatorFixture.Reply added = EmulatorFixture.post(acme.url() + "/emulator/admin/faults", null,
                "{\"kind\":\"RATE_LIMIT\",\"path_prefix\":\"/api/2.1/clusters/list\",\"count\":2,\"retry_after_seconds\":1}");
        assertThat(added.status()).isEqualTo(200);
        long started = System.nanoTime();
        assertThat(all(w.clusters().list(new ListClustersRequest()))).hasSize(2);
        assertThat(acme.requestLog().count("GET", "/api/2.1/clusters/list")).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }
}
