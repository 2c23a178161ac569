package dev.lakehouse.gateway.tools.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.lakehouse.gateway.ratelimit.ApiFamily;
import dev.lakehouse.gateway.tools.ToolCatalogException;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.junit.jupiter.api.Test;

/** Declared REST tools: what a declaration may say, how a wrong one is refused, and how a call is filled from it. */
class RestDeclarationsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCHEMA = """
            type: object
            properties:
              catalog: {type: string}
              job_id: {type: integer}
              params: {type: object}
              path: {type: string}
              page_size: {type: integer, default: 7}
              cursor: {type: string}
              mode: {type: string, default: SOURCE}
            """;

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static RestDeclaration parse(String rest) {
        return RestDeclarations.parse(yaml(rest), yaml(SCHEMA), "tools.yaml tools[0] (sample)");
    }

    @Test
    void aDeclarationKeepsItsCallPagingAndProjection() {
        RestDeclaration rest = parse("""
                method: GET
                path: /api/2.1/unity-catalog/schemas
                query: {catalog_name: "{catalog}"}
                paging: {style: page_token, size: max_results, max: 100}
                hint: Check the catalog.
                result: {items: schemas, fields: [name, owner.name], times: [created_at]}
                """);
        assertThat(rest.family()).isEqualTo(ApiFamily.UNITY_CATALOG);
        assertThat(rest.paging().sizeParam()).isEqualTo("max_results");
        assertThat(rest.paging().max()).isEqualTo(100);
        assertThat(rest.paging().tokenParam()).isEqualTo("page_token");
        assertThat(rest.result().items()).isEqualTo("schemas");
        assertThat(rest.result().fields()).containsExactly("name", "owner.name");
    }

    @Test
    void theFamilyComesFromThePathUnlessDeclared() {
        assertThat(parse("{method: POST, path: '/api/2.0/genie/spaces/{catalog}/start-conversation'}").family())
                .isEqualTo(ApiFamily.GENIE_ASK);
        assertThat(parse("{method: GET, path: '/api/2.0/genie/spaces/{catalog}'}").family()).isEqualTo(ApiFamily.GENIE);
        assertThat(parse("{method: GET, path: '/api/2.0/fs/files{+path}'}").family()).isEqualTo(ApiFamily.FILES);
        assertThat(parse("{method: GET, path: /api/2.0/other, family: lineage}").family()).isEqualTo(ApiFamily.LINEAGE);
    }

    @Test
    void everyMistakeNamesTheFileTheToolAndTheField() {
        assertThatThrownBy(() -> parse("{method: GET, path: /api/x, query: {catalog_name: '{catalg}'}}"))
                .isInstanceOf(ToolCatalogException.class)
                .hasMessageContaining("tools.yaml tools[0] (sample)")
                .hasMessageContaining("'rest.query.catalog_name'")
                .hasMessageContaining("'catalg', which is not an argument of the input schema");
        assertThatThrownBy(() -> parse("{method: GET, path: /api/x, family: genies}"))
                .hasMessageContaining("'rest.family'").hasMessageContaining("Unknown Databricks API family 'genies'");
        assertThatThrownBy(() -> parse("{method: FETCH, path: /api/x}")).hasMessageContaining("'rest.method'");
        assertThatThrownBy(() -> parse("{method: GET, path: /other}")).hasMessageContaining("'rest.path'");
        assertThatThrownBy(() -> parse("{method: GET, path: /api/x, paging: {style: cursor}}"))
                .hasMessageContaining("'rest.paging.style'");
        assertThatThrownBy(() -> parse("{method: GET, path: /api/x, colour: red}")).hasMessageContaining("'rest.colour'");
        assertThatThrownBy(() -> parse("{method: GET, path: /api/x, shape: nodot}")).hasMessageContaining("'rest.shape'");
        // a first call cannot read an answer it has not had yet
        assertThatThrownBy(() -> parse("{method: GET, path: '/api/x/{response.id}'}"))
                .hasMessageContaining("only known in a follow-up call");
        assertThatThrownBy(() -> parse("{method: GET, path: /api/x, result: {item: x}}")).hasMessageContaining("'rest.result.item'");
        assertThatThrownBy(() -> parse("""
                {method: GET, path: /api/x, when: {argument: catalog, use: {method: GET, path: /api/y, shape: a.b}}}
                """)).hasMessageContaining("'rest.when.use.shape'");
        assertThatThrownBy(() -> RestDeclarations.parse(yaml("{method: GET, path: /api/x, paging: {style: offset}}"),
                yaml("{type: object, properties: {page_size: {type: integer}}}"), "t"))
                .hasMessageContaining("paging needs the argument 'cursor'");
    }

    @Test
    void aPlaceholderKeepsTheArgumentsTypeAndAnAbsentOneIsNotSent() {
        JsonNode arguments = JSON.createObjectNode().put("job_id", 42).set("params", JSON.createObjectNode().put("a", "1"));
        RestRequests requests = new RestRequests(arguments, yaml(SCHEMA), null);
        JsonNode body = requests.fill(yaml("{job_id: '{job_id}', job_parameters: '{params}', token: '{catalog}', "
                + "label: 'job {job_id}', format: '{mode}'}"));
        assertThat(body.get("job_id").isIntegralNumber()).isTrue();
        assertThat(body.get("job_parameters").get("a").asText()).isEqualTo("1");
        assertThat(body.has("token")).isFalse();
        assertThat(body.get("label").asText()).isEqualTo("job 42");
        // the schema's default stands in for an argument not given
        assertThat(body.get("format").asText()).isEqualTo("SOURCE");
        Map<String, Object> query = requests.query(Map.of("job_id", yaml("'{job_id}'")));
        assertThat(query).containsEntry("job_id", "42");
    }

    @Test
    void pathArgumentsAreEncodedAndCannotWalkTheUrl() {
        JsonNode arguments = JSON.createObjectNode().put("catalog", "a b/c?d").put("path", "/Volumes/main/x y/f.csv");
        RestRequests requests = new RestRequests(arguments, yaml(SCHEMA), null);
        assertThat(requests.path("/api/2.1/unity-catalog/catalogs/{catalog}")).isEqualTo("/api/2.1/unity-catalog/catalogs/a%20b%2Fc%3Fd");
        assertThat(requests.path("/api/2.0/fs/files{+path}")).isEqualTo("/api/2.0/fs/files/Volumes/main/x%20y/f.csv");
        for (String hostile : new String[] {"/Volumes/../api/2.0/token", "/Volumes/./a", "/Volumes//a", "/.."}) {
            RestRequests bad = new RestRequests(JSON.createObjectNode().put("path", hostile), yaml(SCHEMA), null);
            assertThatThrownBy(() -> bad.path("/api/2.0/fs/files{+path}")).isInstanceOf(ToolExecutionException.class)
                    .hasMessageContaining("Nothing was called");
        }
        RestRequests none = new RestRequests(JSON.createObjectNode(), yaml(SCHEMA), null);
        assertThatThrownBy(() -> none.path("/api/x/{catalog}")).hasMessageContaining("Argument 'catalog' is required");
    }

    @Test
    void aFollowUpReadsTheFirstAnswer() {
        JsonNode response = JSON.createObjectNode().put("run_id", 7).set("run", JSON.createObjectNode().put("state", "x"));
        RestRequests requests = new RestRequests(JSON.createObjectNode(), yaml(SCHEMA), response);
        assertThat(requests.query(Map.of("run_id", yaml("'{response.run_id}'")))).containsEntry("run_id", "7");
        assertThat(requests.fill(yaml("'{response.run.state}'")).asText()).isEqualTo("x");
    }

    @Test
    void aWhenVariantAppliesOnlyWithItsArgument() {
        RestDeclaration rest = parse("""
                method: GET
                path: /api/2.1/unity-catalog/tables
                when: {argument: catalog, use: {method: GET, path: /api/2.1/unity-catalog/table-summaries}}
                """);
        assertThat(rest.forArguments(JSON.createObjectNode()).path()).isEqualTo("/api/2.1/unity-catalog/tables");
        assertThat(rest.forArguments(JSON.createObjectNode().put("catalog", " ")).path()).isEqualTo("/api/2.1/unity-catalog/tables");
        assertThat(rest.forArguments(JSON.createObjectNode().put("catalog", "main")).path())
                .isEqualTo("/api/2.1/unity-catalog/table-summaries");
    }

    @Test
    void theProjectionKeepsDeclaredFieldsAndClipsLongTexts() throws IOException {
        RestProjection projection = new RestProjection(20);
        JsonNode response = JSON.readTree("""
                {"tables": [{"name": "t1", "created_at": 1764547200000, "secret": "s", "comment": "0123456789abcdefghijklmnop"}],
                 "next_page_token": "n"}""");
        JsonNode page = projection.project(response, new RestDeclaration.Projection("tables",
                java.util.List.of("name", "created_at", "comment"), Map.of(), java.util.List.of("created_at")));
        assertThat(page.get("count").asInt()).isEqualTo(1);
        JsonNode table = page.get("tables").get(0);
        assertThat(table.has("secret")).isFalse();
        assertThat(table.get("created_at").asText()).isEqualTo("2025-12-01T00:00:00Z");
        assertThat(table.get("comment").asText()).isEqualTo("0123456789abcdefghij… [clipped: 26 characters in all]");
    }
}
