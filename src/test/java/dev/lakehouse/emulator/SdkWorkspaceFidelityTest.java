package dev.lakehouse.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.error.platform.BadRequest;
import com.databricks.sdk.core.error.platform.InvalidParameterValue;
import com.databricks.sdk.core.error.platform.ResourceDoesNotExist;
import com.databricks.sdk.service.workspace.ExportFormat;
import com.databricks.sdk.service.workspace.ExportRequest;
import com.databricks.sdk.service.workspace.ExportResponse;
import com.databricks.sdk.service.workspace.Language;
import com.databricks.sdk.service.workspace.ObjectInfo;
import com.databricks.sdk.service.workspace.ObjectType;
import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.emulator.workspaceapi.WorkspaceTree;

/** Drives the seeded Workspace API (list, get-status, export) through the official SDK's WorkspaceAPI. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class SdkWorkspaceFidelityTest {

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

    private List<ObjectInfo> list(String path) {
        return StreamSupport.stream(w.workspace().list(path).spliterator(), false).toList();
    }

    private String decoded(ExportResponse export) {
        return new String(Base64.getDecoder().decode(export.getContent()), StandardCharsets.UTF_8);
    }

    @Test
    void rootAndUserFoldersAreSeeded() {
        assertThat(list("/")).extracting(ObjectInfo::getPath, ObjectInfo::getObjectType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/Shared", ObjectType.DIRECTORY),
                        org.assertj.core.groups.Tuple.tuple("/Users", ObjectType.DIRECTORY));
        assertThat(list("/Users")).extracting(ObjectInfo::getPath).containsExactly("/Users/alice@acme.example");
        List<ObjectInfo> home = list("/Users/alice@acme.example/");
        assertThat(home).hasSize(1);
        assertThat(home.get(0).getPath()).isEqualTo("/Users/alice@acme.example/Scratch");
        assertThat(home.get(0).getObjectType()).isEqualTo(ObjectType.NOTEBOOK);
        assertThat(home.get(0).getLanguage()).isEqualTo(Language.SCALA);
        assertThat(list("/Shared")).extracting(ObjectInfo::getPath)
                .containsExactly("/Shared/Big notebook", "/Shared/Reports");
    }

    @Test
    void reportsFolderHoldsTwoNotebooksAndAFile() {
        List<ObjectInfo> reports = list("/Shared/Reports");
        assertThat(reports).extracting(ObjectInfo::getPath, ObjectInfo::getObjectType, ObjectInfo::getLanguage)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/Shared/Reports/Daily revenue", ObjectType.NOTEBOOK, Language.PYTHON),
                        org.assertj.core.groups.Tuple.tuple("/Shared/Reports/Headcount", ObjectType.NOTEBOOK, Language.SQL),
                        org.assertj.core.groups.Tuple.tuple("/Shared/Reports/README.md", ObjectType.FILE, null));
        ObjectInfo readme = reports.get(2);
        String readmeText = decoded(w.workspace().export(readme.getPath()));
        assertThat(readme.getSize()).isEqualTo(readmeText.getBytes(StandardCharsets.UTF_8).length);
        assertThat(readmeText).startsWith("# Reports\n");
        assertThat(reports.get(0).getSize()).isNull();
        assertThat(reports.get(0).getCreatedAt()).isEqualTo(1_736_154_000_000L);
        assertThat(reports.get(0).getModifiedAt()).isGreaterThan(reports.get(0).getCreatedAt());
    }

    @Test
    void getStatusReturnsStableIdsAndAcceptsTheWorkspaceMount() {
        ObjectInfo notebook = w.workspace().getStatus("/Shared/Reports/Daily revenue");
        assertThat(notebook.getObjectType()).isEqualTo(ObjectType.NOTEBOOK);
        assertThat(notebook.getLanguage()).isEqualTo(Language.PYTHON);
        long expectedId = WorkspaceTree.objectIdOf("acme", "/Shared/Reports/Daily revenue");
        assertThat(notebook.getObjectId()).isEqualTo(expectedId);
        assertThat(String.valueOf(notebook.getObjectId())).hasSize(16);
        assertThat(notebook.getResourceId()).isEqualTo(String.valueOf(expectedId));

        ObjectInfo folder = w.workspace().getStatus("/Workspace/Shared/Reports/");
        assertThat(folder.getObjectType()).isEqualTo(ObjectType.DIRECTORY);
        assertThat(folder.getPath()).isEqualTo("/Shared/Reports");
        assertThat(folder.getLanguage()).isNull();
        assertThat(folder.getCreatedAt()).isNull();
    }

    @Test
    void exportSourceIsBase64OfTheNotebookSource() {
        ExportResponse python = w.workspace().export("/Shared/Reports/Daily revenue");
        assertThat(python.getFileType()).isEqualTo("py");
        String source = decoded(python);
        assertThat(source).startsWith("# Databricks notebook source\n");
        assertThat(source.split("\n# COMMAND ----------\n", -1)).hasSize(4);
        assertThat(source).contains("samples.tpch.orders").contains("saveAsTable(\"main.default.daily_revenue\")");

        ExportResponse sql = w.workspace().export(new ExportRequest().setPath("/Shared/Reports/Headcount")
                .setFormat(ExportFormat.SOURCE));
        assertThat(sql.getFileType()).isEqualTo("sql");
        assertThat(decoded(sql)).startsWith("-- Databricks notebook source\n").contains("-- COMMAND ----------")
                .contains("CREATE OR REPLACE VIEW main.default.department_headcount");

        ExportResponse scala = w.workspace().export("/Users/alice@acme.example/Scratch");
        assertThat(scala.getFileType()).isEqualTo("scala");
        assertThat(decoded(scala)).startsWith("// Databricks notebook source\n");
    }

    @Test
    void bigNotebookExportsUnderTheDefaultCap() {
        String source = decoded(w.workspace().export("/Shared/Big notebook"));
        assertThat(source.length()).isBetween(300 * 1024, 310 * 1024);
        assertThat(source).startsWith("# Databricks notebook source\n").contains("# cell 1\n").endsWith("\n");
        // deterministic: the same bytes on every call
        assertThat(decoded(w.workspace().export("/Shared/Big notebook"))).isEqualTo(source);
    }

    @Test
    void unknownPathsAreResourceDoesNotExist() {
        assertThatThrownBy(() -> w.workspace().getStatus("/Shared/nope")).isInstanceOf(ResourceDoesNotExist.class)
                .hasMessageContaining("Path (/Shared/nope) doesn't exist.");
        assertThatThrownBy(() -> list("/Shared/Reports/nope")).isInstanceOf(ResourceDoesNotExist.class);
        assertThatThrownBy(() -> w.workspace().export("/Users/nobody/x")).isInstanceOf(ResourceDoesNotExist.class);
    }

    @Test
    void directoriesAndUnsupportedFormatsAreRejected() {
        assertThatThrownBy(() -> w.workspace().export("/Shared/Reports")).isInstanceOf(InvalidParameterValue.class)
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> w.workspace().export(new ExportRequest().setPath("/Shared/Reports/Headcount")
                .setFormat(ExportFormat.JUPYTER))).isInstanceOf(InvalidParameterValue.class);
    }

    @Test
    void rawHttpShapesDirectDownloadAndBadInput() throws Exception {
        String base = acme.url() + "/api/2.0/workspace/";
        String path = URLEncoder.encode("/Shared/Reports/Daily revenue", StandardCharsets.UTF_8);
        EmulatorFixture.Reply raw = EmulatorFixture.get(base + "export?direct_download=true&path=" + path,
                EmulatorFixture.pat(acme));
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(raw.body()).startsWith("# Databricks notebook source\n# MAGIC %md\n# MAGIC # Daily revenue\n");

        JsonNode status = EmulatorFixture.get(base + "get-status?path=" + path, EmulatorFixture.pat(acme)).json();
        assertThat(status.path("object_type").asText()).isEqualTo("NOTEBOOK");
        assertThat(status.path("language").asText()).isEqualTo("PYTHON");
        assertThat(status.has("size")).isFalse();

        EmulatorFixture.Reply missing = EmulatorFixture.get(base + "get-status", EmulatorFixture.pat(acme));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

        EmulatorFixture.Reply badFormat = EmulatorFixture.get(base + "export?format=source&path=" + path,
                EmulatorFixture.pat(acme));
        assertThat(badFormat.status()).isEqualTo(400);
        assertThat(badFormat.json().path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

        EmulatorFixture.Reply unknown = EmulatorFixture.get(base + "list?path=%2Fnope", EmulatorFixture.pat(acme));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(unknown.json().path("message").asText()).isEqualTo("Path (/nope) doesn't exist.");
    }

    @Test
    void exportCapIsAPropertyAndFailsAsTheRealLimit() throws Exception {
        EmulatorProperties capped = EmulatorFixture.fastProperties();
        capped.getWorkspace().setMaxExportBytes(100_000);
        try (EmulatorServer small = new EmulatorServer(capped).start()) {
            Workspace ws = small.workspace("acme");
            WorkspaceClient client = EmulatorFixture.patClient(ws);
            assertThatThrownBy(() -> client.workspace().export("/Shared/Big notebook")).isInstanceOf(BadRequest.class)
                    .hasMessageStartingWith("Notebook size exceeded limit: ").hasMessageEndingWith(" > 100000");
            EmulatorFixture.Reply reply = EmulatorFixture.get(ws.url() + "/api/2.0/workspace/export?path="
                    + URLEncoder.encode("/Shared/Big notebook", StandardCharsets.UTF_8), EmulatorFixture.pat(ws));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().path("error_code").asText()).isEqualTo("MAX_NOTEBOOK_SIZE_EXCEEDED");
            // small objects still export under the lowered cap
            assertThat(client.workspace().export("/Shared/Reports/Headcount").getFileType()).isEqualTo("sql");
        }
    }
}
