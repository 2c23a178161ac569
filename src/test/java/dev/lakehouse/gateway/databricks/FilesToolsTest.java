package dev.lakehouse.gateway.databricks;

import static dev.lakehouse.gateway.databricks.ToolCalls.args;
import static dev.lakehouse.gateway.databricks.ToolCalls.error;
import static dev.lakehouse.gateway.databricks.ToolCalls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lakehouse.gateway.support.GatewayTestBase;
import dev.lakehouse.gateway.support.McpTestClients;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * The file and workspace tools against the emulator's seeded volumes, DBFS and workspace tree (docs/emulator-files.md,
 * docs/emulator-workspace-lineage.md): listings, ranged reads as text / image / base64 with sizes and the next
 * offset, the caps, and hostile paths refused before any call.
 */
class FilesToolsTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LANDING = "/Volumes/main/default/landing";

    @Autowired
    Environment environment;

    private McpSyncClient client;

    @BeforeEach
    void connect() {
        client = McpTestClients.plain(port, null);
    }

    @AfterEach
    void close() {
        client.closeGracefully();
    }

    private static McpSchema.CallToolResult read(McpSyncClient client, String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = McpTestClients.call(client, tool, arguments);
        assertThat(result.isError()).as(McpTestClients.text(result)).isFalse();
        return result;
    }

    private static JsonNode facts(McpSchema.CallToolResult result) {
        return JSON.valueToTree(result.structuredContent());
    }

    @Test
    void aVolumeDirectoryIsListed() {
        JsonNode listing = ok(client, "list_volume_directory", Map.of("path", LANDING));
        assertThat(listing.path("contents").findValuesAsText("name")).contains("README.txt", "orders", "images", "logs");
        JsonNode orders = ok(client, "list_volume_directory", Map.of("path", LANDING + "/orders"));
        assertThat(orders.path("contents").findValuesAsText("name")).containsExactly("2026-11-01.csv", "2026-11-02.csv");
        assertThat(orders.path("contents").get(0).path("is_directory").asBoolean()).isFalse();
        assertThat(orders.path("contents").get(0).path("file_size").asLong()).isPositive();
        // paged: one entry per page, an opaque cursor to the next
        JsonNode first = ok(client, "list_volume_directory", args("path", LANDING + "/orders", "page_size", 1));
        assertThat(first.path("count").asInt()).isEqualTo(1);
        JsonNode second = ok(client, "list_volume_directory", args("path", LANDING + "/orders", "page_size", 1,
                "cursor", first.path("next_cursor").asText()));
        assertThat(second.path("contents").findValuesAsText("name")).containsExactly("2026-11-02.csv");
    }

    @Test
    void aTextFileIsReadAsTextWithItsSize() {
        McpSchema.CallToolResult result = read(client, "read_volume_file", Map.of("path", LANDING + "/README.txt"));
        String expected = "Landing zone for partner drops.\nFiles older than 30 days are archived.\n";
        assertThat(McpTestClients.text(result)).endsWith("\n" + expected).contains("(text)");
        JsonNode facts = facts(result);
        assertThat(facts.path("file_size").asLong()).isEqualTo(expected.length());
        assertThat(facts.path("truncated").asBoolean()).isFalse();
        // a byte range: 9 bytes from offset 8
        JsonNode part = facts(read(client, "read_volume_file", args("path", LANDING + "/README.txt", "offset", 8, "length", 4)));
        assertThat(part.path("bytes_read").asInt()).isEqualTo(4);
        assertThat(part.path("next_offset").asLong()).isEqualTo(12);
        assertThat(McpTestClients.text(read(client, "read_volume_file", args("path", LANDING + "/README.txt", "offset", 8,
                "length", 4)))).endsWith("\nzone");
    }

    @Test
    void aLargeFileIsCutAtTheCapWithTheOffsetToReadOn() {
        JsonNode facts = facts(read(client, "read_volume_file", Map.of("path", LANDING + "/logs/app.log")));
        assertThat(facts.path("bytes_read").asInt()).isEqualTo(65536);
        assertThat(facts.path("file_size").asLong()).isGreaterThan(65536);
        assertThat(facts.path("truncated").asBoolean()).isTrue();
        assertThat(facts.path("next_offset").asLong()).isEqualTo(65536);
        // the last bytes of the file, read on from an offset
        long size = facts.path("file_size").asLong();
        JsonNode tail = facts(read(client, "read_volume_file", args("path", LANDING + "/logs/app.log", "offset", size - 10)));
        assertThat(tail.path("bytes_read").asInt()).isEqualTo(10);
        assertThat(tail.path("truncated").asBoolean()).isFalse();
        // past the end: a clear tool error
        assertThat(error(client, "read_volume_file", args("path", LANDING + "/logs/app.log", "offset", size + 100)))
                .contains("offset");
    }

    @Test
    void anImageComesBackAsImageContent() {
        McpSchema.CallToolResult result = read(client, "read_volume_file", Map.of("path", LANDING + "/images/logo.png"));
        assertThat(result.content()).hasSize(2);
        McpSchema.ImageContent image = (McpSchema.ImageContent) result.content().get(1);
        assertThat(image.mimeType()).isEqualTo("image/png");
        byte[] png = Base64.getDecoder().decode(image.data());
        assertThat(png[1]).isEqualTo((byte) 'P');
        assertThat(png[2]).isEqualTo((byte) 'N');
        assertThat(facts(result).path("encoding").asText()).isEqualTo("base64");
    }

    @Test
    void hostilePathsAreRefusedBeforeAnyCall() {
        EmulatorAdmin acme = EmulatorAdmin.of(environment, "acme");
        acme.clearRequests();
        for (String path : new String[] {LANDING + "/../../../../api/2.0/token/list", LANDING + "/./README.txt",
                LANDING + "//README.txt"}) {
            assertThat(error(client, "read_volume_file", Map.of("path", path))).contains("Nothing was called");
        }
        assertThat(error(client, "read_volume_file", Map.of("path", "/etc/passwd"))).contains("path");
        // nothing of it reached the workspace (a token refresh ahead of expiry may, so the paths are checked)
        assertThat(acme.requests().path("by_route").fieldNames()).toIterable()
                .noneMatch(route -> route.contains("/fs/files") || route.contains("/token/list"));
        assertThat(error(client, "read_volume_file", Map.of("path", LANDING + "/missing.txt"))).contains("list_volume_directory");
    }

    @Test
    void dbfsFilesAreListedAndReadInRanges() {
        JsonNode listing = ok(client, "list_dbfs_directory", Map.of("path", "/FileStore"));
        assertThat(listing.path("files").findValuesAsText("path")).contains("/FileStore/README.md", "/FileStore/tables");
        McpSchema.CallToolResult readme = read(client, "read_dbfs_file", Map.of("path", "/FileStore/README.md"));
        assertThat(McpTestClients.text(readme)).contains("(text)");
        assertThat(facts(readme).path("truncated").asBoolean()).isFalse();
        // 2 MB of bytes: read 1 KB at an offset, binary as a base64 resource
        McpSchema.CallToolResult big = read(client, "read_dbfs_file", args("path", "/FileStore/big.bin", "offset", 1024,
                "length", 1024));
        JsonNode facts = facts(big);
        assertThat(facts.path("bytes_read").asInt()).isEqualTo(1024);
        assertThat(facts.path("truncated").asBoolean()).isTrue();
        assertThat(facts.path("next_offset").asLong()).isEqualTo(2048);
        // the API's 1 MB cap is the schema's too: asked for more, refused before any call
        assertThat(error(client, "read_dbfs_file", args("path", "/FileStore/big.bin", "length", 2_000_000))).contains("length");
        assertThat(error(client, "read_dbfs_file", Map.of("path", "/FileStore/nope.txt"))).contains("list_dbfs_directory");
    }

    @Test
    void workspaceFoldersAreListedAndNotebooksExported() {
        JsonNode reports = ok(client, "list_workspace_objects", Map.of("path", "/Shared/Reports"));
        assertThat(reports.path("objects").findValuesAsText("path")).contains("/Shared/Reports/Daily revenue",
                "/Shared/Reports/Headcount");
        McpSchema.CallToolResult notebook = read(client, "export_notebook", Map.of("path", "/Shared/Reports/Daily revenue"));
        assertThat(McpTestClients.text(notebook)).contains("# Databricks notebook source").contains("COMMAND ----------");
        // a big notebook is capped, with the offset to read on
        JsonNode big = facts(read(client, "export_notebook", Map.of("path", "/Shared/Big notebook")));
        assertThat(big.path("truncated").asBoolean()).isTrue();
        assertThat(big.path("bytes_read").asInt()).isEqualTo(65536);
        assertThat(big.path("file_size").asLong()).isGreaterThan(65536);
        JsonNode rest = facts(read(client, "export_notebook", args("path", "/Shared/Big notebook", "offset",
                big.path("next_offset").asLong())));
        assertThat(rest.path("offset").asLong()).isEqualTo(65536);
        assertThat(error(client, "export_notebook", Map.of("path", "/Shared/Reports"))).contains("list_workspace_objects");
        assertThat(error(client, "list_workspace_objects", Map.of("path", "/Nowhere"))).contains("folder");
    }
}
