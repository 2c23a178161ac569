package dev.lakehouse.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.mcp.IncomingMessage;
import dev.lakehouse.gateway.mcp.JsonRpcErrors;
import dev.lakehouse.gateway.mcp.JsonRpcException;
import dev.lakehouse.gateway.tenant.TenantConnections;
import dev.lakehouse.gateway.tenant.TenantProperties;
import dev.lakehouse.gateway.tenant.TenantProperties.Exposure;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** The exposure policy of tool groups per connection (off | read | on | confirm), without Spring. */
class ToolPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ToolDefinition LIST_JOBS = tool("list_jobs", "jobs", Map.of("readOnlyHint", true));
    private static final ToolDefinition RUN_JOB = tool("run_job", "jobs", Map.of("readOnlyHint", false, "destructiveHint", false));
    private static final ToolDefinition DELETE_JOB = tool("delete_job", "jobs", Map.of());
    private static final ToolDefinition LIST_CATALOGS = tool("list_catalogs", "catalog", Map.of("readOnlyHint", true));
    private static final ToolDefinition GATEWAY_INFO = tool("gateway_info", "gateway", Map.of("readOnlyHint", true));
    private static final ToolDefinition GATEWAY_ACTION = tool("gateway_action", "gateway", Map.of());

    @TempDir
    Path dir;

    private DefaultCamelContext camel;
    private TenantConnections connections;
    private ToolPolicy policy;

    private static ToolDefinition tool(String name, String group, Map<String, Boolean> annotations) {
        return new ToolDefinition(name, null, "The " + name + " tool.", group, "direct:" + name,
                JSON.createObjectNode().put("type", "object"), null, new LinkedHashMap<>(annotations), "test", null, null);
    }

    private static TenantProperties.Connection connection(String host, Map<String, Exposure> exposure) {
        return new TenantProperties.Connection(host, "pat", "dapi-test", null, null, null, null, exposure, null, null);
    }

    @BeforeEach
    void setUp() {
        Map<String, TenantProperties.Connection> mixed = new LinkedHashMap<>();
        // jobs: off on 'a', on on 'b'; catalog: default (read) on both
        mixed.put("a", connection("emulator:one", Map.of("jobs", Exposure.OFF)));
        mixed.put("b", connection("https://b.example.com/some/path", Map.of("jobs", Exposure.ON)));
        mixed.put("locked", connection("emulator:one", Map.of("jobs", Exposure.OFF, "catalog", Exposure.OFF)));
        Map<String, TenantProperties.Connection> readOnly = new LinkedHashMap<>();
        readOnly.put("only", connection("emulator:one", Map.of("jobs", Exposure.READ)));
        Map<String, TenantProperties.Connection> allOff = new LinkedHashMap<>();
        allOff.put("x", connection("emulator:one", Map.of("jobs", Exposure.OFF, "catalog", Exposure.OFF)));
        allOff.put("y", connection("emulator:missing", Map.of("jobs", Exposure.OFF, "catalog", Exposure.OFF)));
        Map<String, TenantProperties.Tenant> tenants = new LinkedHashMap<>();
        tenants.put("mixed", new TenantProperties.Tenant("a", mixed, null));
        tenants.put("readonly", new TenantProperties.Tenant(null, readOnly, null));
        tenants.put("alloff", new TenantProperties.Tenant(null, allOff, null));
        MockEnvironment environment = new MockEnvironment().withProperty("emulator.url.one", "http://127.0.0.1:9999");
        connections = new TenantConnections(new TenantProperties(tenants), environment);
        policy = new ToolPolicy(connections, Duration.ofSeconds(5), true);
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        camel.close();
    }

    private Exchange exchange(String tenant) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("tenant", tenant);
        return exchange;
    }

    @Test
    void changesStateUnlessDeclaredReadOnly() {
        assertThat(ToolPolicy.changesState(LIST_JOBS)).isFalse();
        assertThat(ToolPolicy.changesState(RUN_JOB)).isTrue();
        assertThat(ToolPolicy.changesState(DELETE_JOB)).as("no readOnlyHint means it may change state").isTrue();
    }

    @Test
    void databricksGroups() {
        for (String group : List.of("catalog", "sql", "jobs", "compute", "warehouses")) {
            assertThat(ToolPolicy.isDatabricksTool(tool("t", group, Map.of()))).as(group).isTrue();
        }
        assertThat(ToolPolicy.isDatabricksTool(GATEWAY_INFO)).isFalse();
        assertThat(ToolPolicy.isDatabricksTool(tool("t", "conformance", Map.of()))).isFalse();
    }

    @Test
    void visibilityPerExposure() {
        assertThat(ToolPolicy.visible(LIST_JOBS, Exposure.OFF)).isFalse();
        assertThat(ToolPolicy.visible(RUN_JOB, Exposure.OFF)).isFalse();

        assertThat(ToolPolicy.visible(LIST_JOBS, Exposure.READ)).isTrue();
        assertThat(ToolPolicy.visible(RUN_JOB, Exposure.READ)).isFalse();
        assertThat(ToolPolicy.visible(DELETE_JOB, Exposure.READ)).isFalse();

        assertThat(ToolPolicy.visible(LIST_JOBS, Exposure.ON)).isTrue();
        assertThat(ToolPolicy.visible(RUN_JOB, Exposure.ON)).isTrue();

        assertThat(ToolPolicy.visible(LIST_JOBS, Exposure.CONFIRM)).isTrue();
        assertThat(ToolPolicy.visible(RUN_JOB, Exposure.CONFIRM)).isTrue();
    }

    @Test
    void nonDatabricksToolsAreAlwaysVisible() {
        for (Exposure exposure : Exposure.values()) {
            assertThat(ToolPolicy.visible(GATEWAY_INFO, exposure)).as("%s", exposure).isTrue();
            assertThat(ToolPolicy.visible(GATEWAY_ACTION, exposure)).as("%s", exposure).isTrue();
        }
        WorkspaceConnection locked = connections.connection("mixed", "locked");
        assertThat(ToolPolicy.visible(GATEWAY_ACTION, locked)).isTrue();
    }

    @Test
    void visibilityOnAResolvedConnectionDefaultsToRead() {
        WorkspaceConnection a = connections.connection("mixed", "a");
        assertThat(a.baseUrl()).isEqualTo("http://127.0.0.1:9999");
        assertThat(ToolPolicy.visible(LIST_JOBS, a)).isFalse();
        // catalog is not configured on 'a': read
        assertThat(ToolPolicy.visible(LIST_CATALOGS, a)).isTrue();
        assertThat(ToolPolicy.visible(tool("create_catalog", "catalog", Map.of()), a)).isFalse();

        WorkspaceConnection b = connections.connection("mixed", "b");
        assertThat(b.baseUrl()).isEqualTo("https://b.example.com");
        assertThat(ToolPolicy.visible(RUN_JOB, b)).isTrue();
        assertThat(ToolPolicy.visible(RUN_JOB, (WorkspaceConnection) null)).isFalse();
    }

    @Test
    void filterShowsAToolVisibleThroughAnyConnection() {
        List<ToolDefinition> all = List.of(LIST_JOBS, RUN_JOB, DELETE_JOB, LIST_CATALOGS, GATEWAY_INFO, GATEWAY_ACTION);
        // jobs on through 'b' although off on 'a' and 'locked'
        assertThat(policy.filter(all, exchange("mixed"))).containsExactlyElementsOf(all);
        // read only: the state-changing jobs tools are hidden
        assertThat(policy.filter(all, exchange("readonly")))
                .containsExactly(LIST_JOBS, LIST_CATALOGS, GATEWAY_INFO, GATEWAY_ACTION);
        // off everywhere (and one connection's host does not even resolve: listing never resolves hosts)
        assertThat(policy.filter(all, exchange("alloff"))).containsExactly(GATEWAY_INFO, GATEWAY_ACTION);
        // no such tenant, or no tenant: no Databricks tool at all
        assertThat(policy.filter(all, exchange("nobody"))).containsExactly(GATEWAY_INFO, GATEWAY_ACTION);
        assertThat(policy.filter(all, exchange(null))).containsExactly(GATEWAY_INFO, GATEWAY_ACTION);
    }

    @Test
    void authorizeResolvesTheConnectionAndRefusesAToolHiddenOnIt() {
        Exchange exchange = exchange("mixed");
        exchange.setVariable("tool", LIST_CATALOGS);
        exchange.setVariable("toolArguments", JSON.createObjectNode());
        policy.authorize(exchange);
        assertThat(exchange.getVariable("connection", WorkspaceConnection.class).name()).isEqualTo("a");

        Exchange onB = exchange("mixed");
        onB.setVariable("tool", RUN_JOB);
        onB.setVariable("toolArguments", JSON.createObjectNode().put("workspace", "b"));
        policy.authorize(onB);
        assertThat(onB.getVariable("connection", WorkspaceConnection.class).name()).isEqualTo("b");

        Exchange onA = exchange("mixed");
        onA.setVariable("tool", RUN_JOB);
        onA.setVariable("toolArguments", JSON.createObjectNode());
        assertThatThrownBy(() -> policy.authorize(onA)).isInstanceOf(ToolExecutionException.class)
                .hasMessageContaining("run_job").hasMessageContaining("not enabled").hasMessageContaining("'a'")
                .hasMessageContaining("'jobs'");

        Exchange unknown = exchange("mixed");
        unknown.setVariable("tool", LIST_CATALOGS);
        unknown.setVariable("toolArguments", JSON.createObjectNode().put("workspace", "nope"));
        assertThatThrownBy(() -> policy.authorize(unknown)).isInstanceOf(ToolExecutionException.class)
                .hasMessageContaining("'nope'").hasMessageContaining("a, b, locked");

        Exchange unresolved = exchange("alloff");
        unresolved.setVariable("tool", LIST_CATALOGS);
        unresolved.setVariable("toolArguments", JSON.createObjectNode().put("workspace", "y"));
        assertThatThrownBy(() -> policy.authorize(unresolved)).isInstanceOf(ToolExecutionException.class)
                .hasMessageContaining("emulator");
    }

    // ---- ToolCatalog.lookup over the policy ---------------------------------------------------------------------

    private ToolCatalog catalog() throws IOException {
        Files.writeString(dir.resolve("policy.tools.yaml"), """
                tools:
                  - name: list_jobs
                    description: Lists jobs.
                    group: jobs
                    route: direct:list-jobs
                    annotations: {readOnlyHint: true}
                    inputSchema: {type: object}
                  - name: run_job
                    description: Runs a job.
                    group: jobs
                    route: direct:run-job
                    annotations: {readOnlyHint: false}
                    inputSchema: {type: object}
                  - name: list_catalogs
                    description: Lists catalogs.
                    group: catalog
                    route: direct:list-catalogs
                    annotations: {readOnlyHint: true}
                    inputSchema: {type: object}
                  - name: gateway_info
                    description: About the gateway.
                    group: gateway
                    route: direct:gateway-info
                    annotations: {readOnlyHint: true}
                    inputSchema: {type: object}
                """, StandardCharsets.UTF_8);
        return new ToolCatalog(List.of("file:" + dir + "/*.tools.yaml"), 50, policy);
    }

    private Exchange toolsCall(String tenant, String name, JsonNode arguments) {
        ObjectNode params = JSON.createObjectNode().put("name", name);
        if (arguments != null) {
            params.set("arguments", arguments);
        }
        Exchange exchange = exchange(tenant);
        exchange.setVariable("mcpMessage", new IncomingMessage(IncomingMessage.Kind.REQUEST, IntNode.valueOf(7),
                "tools/call", params, null, null));
        return exchange;
    }

    private static void assertInvalidParams(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(JsonRpcException.class,
                e -> assertThat(e.code()).isEqualTo(JsonRpcErrors.INVALID_PARAMS).isEqualTo(-32602))
                .hasMessageContaining(message);
    }

    @Test
    void lookupAnswersInvalidParamsForAToolHiddenEverywhere() throws Exception {
        ToolCatalog catalog = catalog();
        assertInvalidParams(() -> catalog.lookup(toolsCall("alloff", "list_catalogs", null)), "Unknown tool: list_catalogs");
        assertInvalidParams(() -> catalog.lookup(toolsCall("alloff", "list_jobs", null)), "Unknown tool: list_jobs");
        assertInvalidParams(() -> catalog.lookup(toolsCall("readonly", "run_job", null)), "Unknown tool: run_job");
        // hidden looks exactly like never declared
        assertInvalidParams(() -> catalog.lookup(toolsCall("readonly", "no_such_tool", null)), "Unknown tool: no_such_tool");

        Exchange visible = toolsCall("readonly", "list_jobs", JSON.createObjectNode().put("limit", 3));
        catalog.lookup(visible);
        assertThat(visible.getVariable("tool", ToolDefinition.class).name()).isEqualTo("list_jobs");
        assertThat(visible.getVariable("toolRoute", String.class)).isEqualTo("direct:list-jobs");
        assertThat(visible.getVariable("toolArguments", JsonNode.class).path("limit").asInt()).isEqualTo(3);

        Exchange gateway = toolsCall("alloff", "gateway_info", null);
        catalog.lookup(gateway);
        assertThat(gateway.getVariable("toolArguments", JsonNode.class).isObject()).isTrue();

        Exchange onB = toolsCall("mixed", "run_job", null);
        catalog.lookup(onB);
        assertThat(onB.getVariable("toolName", String.class)).isEqualTo("run_job");
    }

    @Test
    @SuppressWarnings("unchecked")
    void toolsListShowsOnlyVisibleTools() throws Exception {
        ToolCatalog catalog = catalog();
        Exchange list = exchange("readonly");
        list.setVariable("mcpMessage", new IncomingMessage(IncomingMessage.Kind.REQUEST, IntNode.valueOf(1),
                "tools/list", JSON.createObjectNode(), null, null));
        List<Map<String, Object>> tools = (List<Map<String, Object>>) catalog.listPage(list).get("tools");
        assertThat(tools).extracting(t -> t.get("name")).containsExactly("list_jobs", "list_catalogs", "gateway_info");

        Exchange none = exchange("alloff");
        none.setVariable("mcpMessage", list.getVariable("mcpMessage"));
        assertThat((List<Map<String, Object>>) catalog.listPage(none).get("tools")).extracting(t -> t.get("name"))
                .containsExactly("gateway_info");
    }
}
