package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import com.fasterxml.jackson.databind.JsonNode;

/** Spring embedding, the standalone entry point, default workspaces and the seeded sample data. */
@Timeout(90)
class EmulatorStartupTest {

    private static final String[] FAST = {
        "emulator.data.tpch-scale-factor=0.001", "emulator.data.nyctaxi-trips=100", "emulator.sql.pending-time=10ms"};

    @Test
    void embeddedConfigurationStartsAndStopsWithTheContext() throws Exception {
        String[] url = new String[1];
        new ApplicationContextRunner()
                .withUserConfiguration(EmbeddedEmulatorConfiguration.class)
                .withPropertyValues("emulator.embedded=true", "emulator.workspaces.acme.port=0",
                        "emulator.workspaces.acme.pats[0]=dapi-spring", FAST[0], FAST[1], FAST[2])
                .run(context -> {
                    EmulatorServer server = context.getBean(EmulatorServer.class);
                    url[0] = server.workspaceUrl("acme");
                    assertThat(context.getEnvironment().getProperty("emulator.url.acme")).isEqualTo(url[0]);
                    assertThat(EmulatorFixture.get(url[0] + "/api/2.0/preview/scim/v2/Me", "dapi-spring").status())
                            .isEqualTo(200);
                });
        // closed with the context: the port no longer answers
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmulatorFixture.get(url[0] + "/.well-known/databricks-config", null))
                .isInstanceOf(java.io.IOException.class);
        new ApplicationContextRunner().withUserConfiguration(EmbeddedEmulatorConfiguration.class)
                .run(context -> assertThat(context).doesNotHaveBean(EmulatorServer.class));
    }

    @Test
    void standaloneMainReadsAPropertiesFileAndSystemProperties(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("emulator.properties");
        Files.writeString(file, String.join("\n", FAST) + "\nemulator.workspaces.solo.pats=dapi-solo-1,dapi-solo-2\n"
                + "emulator.workspaces.solo.workspace-id=4242\nemulator.sql.chunk-rows=7\n");
        System.setProperty("emulator.sql.chunk-rows", "3");
        try (EmulatorServer server = EmulatorMain.start(new String[] {file.toString()})) {
            Workspace solo = server.workspace("solo");
            assertThat(server.workspaces()).hasSize(1);
            assertThat(solo.settings().pats()).containsExactly("dapi-solo-1", "dapi-solo-2");
            JsonNode metadata = EmulatorFixture.get(solo.url() + "/.well-known/databricks-config", null).json();
            assertThat(metadata.get("workspace_id").asText()).isEqualTo("4242");
            JsonNode r = EmulatorFixture.post(solo.url() + "/api/2.0/sql/statements", "dapi-solo-2",
                    "{\"statement\":\"SELECT * FROM range(10)\",\"warehouse_id\":\"" + solo.settings().warehouseId() + "\"}").json();
            assertThat(r.get("manifest").get("total_chunk_count").asInt()).isEqualTo(4);
        } finally {
            System.clearProperty("emulator.sql.chunk-rows");
        }
    }

    @Test
    void defaultsGiveTwoWorkspacesWithFullSizeSampleDataSeededQuickly() throws Exception {
        EmulatorProperties defaults = new EmulatorProperties();
        long started = System.nanoTime();
        try (EmulatorServer server = new EmulatorServer(defaults).start()) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            assertThat(server.workspaceUrls()).containsOnlyKeys("acme", "globex");
            Workspace acme = server.workspace("acme");
            Workspace globex = server.workspace("globex");
            assertThat(acme.url()).startsWith("http://127.0.0.1:");
            String sql = "SELECT (SELECT count(*) FROM samples.tpch.lineitem), (SELECT count(*) FROM samples.tpch.orders), "
                    + "(SELECT count(*) FROM samples.nyctaxi.trips), (SELECT sum(o_totalprice) FROM samples.tpch.orders), "
                    + "(SELECT count(*) FROM main.default.employees)";
            JsonNode a = EmulatorFixture.statement(acme, sql, null).get("result").get("data_array").get(0);
            JsonNode g = EmulatorFixture.statement(globex, sql, null).get("result").get("data_array").get(0);
            assertThat(a.get(0).asLong()).isGreaterThanOrEqualTo(100_000);
            assertThat(a.get(1).asLong()).isEqualTo(30_000);
            assertThat(a.get(2).asLong()).isEqualTo(20_000);
            assertThat(a.get(4).asLong()).isEqualTo(50);
            assertThat(a).isEqualTo(g);
            // the admin API is off by default
            assertThat(EmulatorFixture.get(acme.url() + "/emulator/admin/faults", null).status()).isEqualTo(404);
            assertThat(EmulatorFixture.get(acme.url() + "/emulator/admin/rate-limits", null).status()).isEqualTo(404);
            assertThat(EmulatorFixture.put(acme.url() + "/emulator/admin/rate-limits", "{\"limits\":{\"jobs\":1}}")
                    .status()).isEqualTo(404);
            JsonNode jobs = EmulatorFixture.get(acme.url() + "/api/2.1/jobs/list", acme.settings().pats().get(0)).json();
            assertThat(jobs.get("jobs")).hasSize(3);
            JsonNode clusters = EmulatorFixture.get(acme.url() + "/api/2.0/clusters/list", acme.settings().pats().get(0)).json();
            assertThat(clusters.get("clusters").findValuesAsText("state")).containsExactlyInAnyOrder("RUNNING", "TERMINATED");
        }
    }
}
