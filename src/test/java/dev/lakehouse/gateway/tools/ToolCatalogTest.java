package dev.lakehouse.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.lakehouse.gateway.mcp.JsonRpcErrors;
import dev.lakehouse.gateway.mcp.JsonRpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tool catalog as a documentation quality gate: what loads, and how every defect is reported. */
class ToolCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static final String VALID = """
            tools:
              - name: sample_tool
                title: Sample tool
                description: Does a sample thing for the test.
                group: samples
                route: direct:tool-sample
                annotations:
                  readOnlyHint: true
                  destructiveHint: false
                inputSchema:
                  type: object
                  properties:
                    count: {type: integer, minimum: 1}
                  required: [count]
                outputSchema:
                  type: object
                  properties:
                    ok: {type: boolean}
            """;

    private Path write(String file, String yaml) throws IOException {
        Path path = dir.resolve(file);
        Files.writeString(path, yaml, StandardCharsets.UTF_8);
        return path;
    }

    private Map<String, ToolDefinition> load() {
        return ToolCatalog.load(List.of("file:" + dir + "/*.yaml"));
    }

    /** One tool with the given lines in place of the defaults; null values drop the field. */
    private static String tool(String name, String description, String route, String extra, String inputSchema) {
        StringBuilder yaml = new StringBuilder("tools:\n  - name: ").append(name).append('\n');
        if (description != null) {
            yaml.append("    description: ").append(description).append('\n');
        }
        yaml.append("    group: g\n");
        yaml.append("    route: ").append(route).append('\n');
        if (extra != null) {
            yaml.append(extra);
        }
        if (inputSchema != null) {
            yaml.append("    inputSchema: ").append(inputSchema).append('\n');
        }
        return yaml.toString();
    }

    private static String tool(String extra) {
        return tool("t1", "A tool.", "direct:t1", extra, "{type: object, properties: {}}");
    }

    private void assertFails(String yaml, String... fragments) throws IOException {
        Path file = write("catalog.yaml", yaml);
        assertThatThrownBy(this::load).isInstanceOf(ToolCatalogException.class)
                .hasMessageContaining(file.getFileName().toString())
                .hasMessageContainingAll(fragments);
    }

    @Test
    void validCatalogLoads() throws Exception {
        write("valid.yaml", VALID);
        Map<String, ToolDefinition> tools = load();
        assertThat(tools).containsOnlyKeys("sample_tool");
        ToolDefinition tool = tools.get("sample_tool");
        assertThat(tool.name()).isEqualTo("sample_tool");
        assertThat(tool.title()).isEqualTo("Sample tool");
        assertThat(tool.description()).isEqualTo("Does a sample thing for the test.");
        assertThat(tool.group()).isEqualTo("samples");
        assertThat(tool.route()).isEqualTo("direct:tool-sample");
        assertThat(tool.annotations()).containsExactly(Map.entry("readOnlyHint", true), Map.entry("destructiveHint", false));
        assertThat(tool.source()).contains("valid.yaml");
        assertThat(tool.inputValidator()).isNotNull();
        assertThat(tool.outputValidator()).isNotNull();
        assertThat(tool.inputSchema().path("required").get(0).asText()).isEqualTo("count");
        // the compiled validator enforces the declared schema
        assertThat(tool.inputValidator().validate(JSON.readTree("{\"count\":3}"))).isEmpty();
        assertThat(tool.inputValidator().validate(JSON.readTree("{\"count\":0}"))).isNotEmpty();
        assertThat(tool.inputValidator().validate(JSON.readTree("{}"))).isNotEmpty();
        // the wire form carries the group in _meta and the title among the annotations
        Map<String, Object> wire = tool.toWire();
        assertThat(wire).containsEntry("name", "sample_tool").containsKey("outputSchema");
        assertThat(wire.get("_meta")).isEqualTo(Map.of(ToolDefinition.GROUP_META_KEY, "samples"));
    }

    @Test
    void toolWithoutOptionalFieldsLoads() throws Exception {
        write("minimal.yaml", tool(null));
        ToolDefinition tool = load().get("t1");
        assertThat(tool.title()).isNull();
        assertThat(tool.annotations()).isEmpty();
        assertThat(tool.outputValidator()).isNull();
        assertThat(tool.toWire()).doesNotContainKeys("annotations", "outputSchema", "title");
    }

    @Test
    void missingDescription() throws Exception {
        assertFails(tool("t1", null, "direct:t1", null, "{type: object}"), "description", "t1");
    }

    @Test
    void blankDescription() throws Exception {
        assertFails(tool("t1", "\"   \"", "direct:t1", null, "{type: object}"), "'description' is missing or blank");
    }

    @Test
    void nonTextDescription() throws Exception {
        assertFails(tool("t1", "42", "direct:t1", null, "{type: object}"), "'description'");
    }

    @Test
    void missingInputSchema() throws Exception {
        assertFails(tool("t1", "A tool.", "direct:t1", null, null), "'inputSchema' is missing");
    }

    @Test
    void inputSchemaNotOfTypeObject() throws Exception {
        assertFails(tool("t1", "A tool.", "direct:t1", null, "{type: string}"), "'inputSchema'", "type: object");
        assertFails(tool("t1", "A tool.", "direct:t1", null, "{type: 42}"), "'inputSchema'", "type: object");
        assertFails(tool("t1", "A tool.", "direct:t1", null, "[1, 2]"), "'inputSchema'", "type: object");
    }

    @Test
    void invalidJsonSchema() throws Exception {
        assertFails(tool("t1", "A tool.", "direct:t1", null, "{type: object, properties: 5}"),
                "'inputSchema'", "not a valid JSON Schema 2020-12");
        assertFails(tool("t1", "A tool.", "direct:t1", null, "{type: object, required: 7}"),
                "'inputSchema'", "not a valid JSON Schema 2020-12");
    }

    @Test
    void invalidOutputSchema() throws Exception {
        assertFails(tool("    outputSchema: {type: object, properties: 5}\n"), "'outputSchema'",
                "not a valid JSON Schema 2020-12");
        assertFails(tool("    outputSchema: {type: array}\n"), "'outputSchema'", "type: object");
    }

    @Test
    void unknownFieldIsNamed() throws Exception {
        String yaml = """
                tools:
                  - name: t1
                    descripton: typo of description
                    group: g
                    route: direct:t1
                    inputSchema: {type: object}
                """;
        assertFails(yaml, "unknown field 'descripton'");
    }

    @Test
    void duplicateToolNameAcrossFiles() throws Exception {
        write("a.yaml", tool("dup_tool", "First.", "direct:a", null, "{type: object}"));
        write("b.yaml", tool("dup_tool", "Second.", "direct:b", null, "{type: object}"));
        assertThatThrownBy(this::load).isInstanceOf(ToolCatalogException.class)
                .hasMessageContaining("dup_tool").hasMessageContaining("already declared")
                .hasMessageContaining("a.yaml").hasMessageContaining("b.yaml");
    }

    @Test
    void duplicateToolNameInOneFile() throws Exception {
        String yaml = tool("same", "One.", "direct:a", null, "{type: object}")
                + "  - name: same\n    description: Two.\n    group: g\n    route: direct:b\n    inputSchema: {type: object}\n";
        assertFails(yaml, "same", "already declared");
    }

    @Test
    void badToolName() throws Exception {
        assertFails(tool("\"has space\"", "A tool.", "direct:t1", null, "{type: object}"), "'name'", "has space");
        assertFails(tool("\"" + "x".repeat(129) + "\"", "A tool.", "direct:t1", null, "{type: object}"), "'name'");
        assertFails(tool("\"\"", "A tool.", "direct:t1", null, "{type: object}"), "'name'");
    }

    @Test
    void missingGroup() throws Exception {
        String yaml = "tools:\n  - name: t1\n    description: A tool.\n    route: direct:t1\n    inputSchema: {type: object}\n";
        assertFails(yaml, "'group' is missing or blank");
    }

    @Test
    void routeMustBeDirect() throws Exception {
        assertFails(tool("t1", "A tool.", "\"seda:t1\"", null, "{type: object}"), "'route'", "direct:", "seda:t1");
        assertFails(tool("t1", "A tool.", "\"http://evil.example.com\"", null, "{type: object}"), "'route'");
    }

    @Test
    void annotationWithNonBooleanValue() throws Exception {
        assertFails(tool("    annotations: {readOnlyHint: \"yes please\"}\n"), "annotations.readOnlyHint", "boolean");
        assertFails(tool("    annotations: {readOnlyHint: 1}\n"), "annotations.readOnlyHint", "boolean");
    }

    @Test
    void annotationWithUnknownHint() throws Exception {
        assertFails(tool("    annotations: {fastHint: true}\n"), "annotations.fastHint");
    }

    @Test
    void annotationsNotAMapping() throws Exception {
        assertFails(tool("    annotations: [readOnlyHint]\n"), "'annotations' must be a mapping");
    }

    @Test
    void fileWithoutToolsList() throws Exception {
        assertFails("something: else\n", "'tools'");
        assertFails("tools: not-a-list\n", "'tools'");
    }

    @Test
    void toolEntryNotAMapping() throws Exception {
        assertFails("tools:\n  - just a string\n", "must be a mapping");
    }

    @Test
    void invalidYaml() throws Exception {
        assertFails("tools: [ {name: t1\n", "not valid YAML");
    }

    @Test
    void cursorRoundTrip() {
        for (int offset : new int[] {1, 2, 49, 50, 51, 999}) {
            String cursor = ToolCatalog.encodeCursor(offset);
            assertThat(cursor).doesNotContain("=", "+", "/");
            assertThat(ToolCatalog.decodeCursor(TextNode.valueOf(cursor), 1000)).isEqualTo(offset);
        }
        assertThat(ToolCatalog.decodeCursor(null, 10)).isZero();
        assertThat(ToolCatalog.decodeCursor(NullNode.instance, 10)).isZero();
    }

    @Test
    void cursorIsOpaqueBase64UrlOfPrefixAndOffset() {
        String cursor = ToolCatalog.encodeCursor(50);
        assertThat(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)).isEqualTo("tools:50");
    }

    @Test
    void badCursorsAreInvalidParams() {
        List<JsonNode> bad = List.of(
                TextNode.valueOf("garbage"),
                TextNode.valueOf("!!!"),
                TextNode.valueOf(""),
                TextNode.valueOf(b64("tools:9999")),       // beyond the list
                TextNode.valueOf(b64("tools:10")),         // == size
                TextNode.valueOf(b64("tools:0")),          // the first page has no cursor
                TextNode.valueOf(b64("tools:-1")),
                TextNode.valueOf(b64("tools:abc")),
                TextNode.valueOf(b64("tools:99999999999999999999")),
                TextNode.valueOf(b64("other:3")),
                IntNode.valueOf(5));
        for (JsonNode cursor : bad) {
            assertThatThrownBy(() -> ToolCatalog.decodeCursor(cursor, 10)).as("cursor %s", cursor)
                    .isInstanceOfSatisfying(JsonRpcException.class,
                            e -> assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_PARAMS))
                    .hasMessageContaining("Invalid cursor");
        }
    }

    private static String b64(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void projectCatalogFilesLoad() {
        Map<String, ToolDefinition> tools = ToolCatalog.load(
                List.of("file:routes/tools/*.yaml", "file:routes/conformance/*.tools.yaml", "classpath:test-routes/*.tools.yaml"));
        assertThat(tools).containsKeys("gateway_info", "test_simple_text", "json_schema_2020_12_tool", "test_wait_for_cancel");
        assertThat(tools.values()).allSatisfy(t -> {
            assertThat(t.description()).isNotBlank();
            assertThat(t.route()).startsWith("direct:");
            assertThat(t.inputValidator()).isNotNull();
        });
        assertThat(tools.get("gateway_info").outputValidator()).isNotNull();
    }

    @Test
    void blankLocationsAreSkippedAndEmptyPatternsGiveNoTools() {
        assertThat(ToolCatalog.load(List.of("", "  "))).isEmpty();
        assertThat(ToolCatalog.load(List.of("file:" + dir + "/*.yaml"))).isEmpty();
    }

    @Test
    void aRestToolRunsOnTheTemplateRouteAndCannotAlsoNameARoute() throws IOException {
        String rest = """
                tools:
                  - name: list_things
                    description: Lists things.
                    group: g
                    rest: {method: GET, path: /api/2.0/things, query: {q: "{q}"}}
                    inputSchema: {type: object, properties: {q: {type: string}}}
                """;
        write("rest.yaml", rest);
        ToolDefinition tool = load().get("list_things");
        assertThat(tool.route()).isEqualTo("direct:tool-list-things");
        assertThat(tool.rest().path()).isEqualTo("/api/2.0/things");
        write("rest.yaml", rest.replace("    group: g\n", "    group: g\n    route: direct:tool-x\n"));
        assertThatThrownBy(this::load).isInstanceOf(ToolCatalogException.class)
                .hasMessageContaining("rest.yaml] tools[0] (list_things)").hasMessageContaining("'route' and 'rest' exclude each other");
        write("rest.yaml", rest.replace("{q}", "{query}"));
        assertThatThrownBy(this::load).hasMessageContaining("'rest.query.q'").hasMessageContaining("'query'");
    }

    @Test
    void everySingleCallToolOfTheProjectIsDeclaredNotRouted() {
        Map<String, ToolDefinition> tools = ToolCatalog.load(List.of("file:routes/tools/*.yaml"));
        // the hand-written routes left are the multi-step flows
        assertThat(tools.values().stream().filter(t -> t.rest() == null).map(ToolDefinition::name))
                .containsExactlyInAnyOrder("gateway_info", "search_tools", "search_tables", "get_job_run_output",
                        "execute_sql", "get_statement_result", "cancel_statement", "execute_function", "ask_genie",
                        "get_genie_answer");
    }

    /** A comma in an unquoted YAML flow-mapping description splits it into a stray keyword: none may slip in. */
    @Test
    void everyArgumentOfTheProjectsToolsUsesOnlyKnownSchemaKeywords() {
        java.util.Set<String> known = java.util.Set.of("type", "description", "minLength", "maxLength", "pattern", "minimum",
                "maximum", "items", "enum", "default", "properties", "required", "additionalProperties", "minItems",
                "maxItems", "x-mcp-header", "format", "title", "oneOf", "anyOf", "const");
        for (ToolDefinition tool : ToolCatalog.load(List.of("file:routes/tools/*.yaml")).values()) {
            for (JsonNode schema : new JsonNode[] {tool.inputSchema(), tool.outputSchema()}) {
                if (schema == null) {
                    continue;
                }
                schema.path("properties").fields().forEachRemaining(property -> property.getValue().fieldNames()
                        .forEachRemaining(keyword -> assertThat(known).as("%s.%s", tool.name(), property.getKey())
                                .contains(keyword)));
            }
        }
    }
}
