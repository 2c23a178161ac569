package dev.lakehouse.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.mcp.IncomingMessage;
import dev.lakehouse.gateway.tenant.TenantConnections;
import dev.lakehouse.gateway.tenant.TenantProperties;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * Listed groups with the project's real catalog: tools/list of a tenant that lists a few groups shows those (and the
 * gateway's own tools), the rest stay callable and searchable, and a client asking for all tools gets all of them.
 * Without Spring: the exchange is built as the MCP route builds it.
 */
class ListedGroupsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DefaultCamelContext camel;
    private ToolCatalog catalog;
    private ToolDisclosure disclosure;

    @BeforeEach
    void setUp() {
        Map<String, TenantProperties.Connection> one = new LinkedHashMap<>();
        one.put("ws", new TenantProperties.Connection("emulator:one", "pat", "dapi-test", null, null, null, null, Map.of(),
                null, null));
        Map<String, TenantProperties.Tenant> tenants = new LinkedHashMap<>();
        tenants.put("lean", new TenantProperties.Tenant(null, one, List.of("catalog", "sql")));
        tenants.put("full", new TenantProperties.Tenant(null, new LinkedHashMap<>(one), null));
        TenantProperties properties = new TenantProperties(tenants);
        TenantConnections connections = new TenantConnections(properties,
                new MockEnvironment().withProperty("emulator.url.one", "http://127.0.0.1:9999"));
        ToolPolicy policy = new ToolPolicy(connections, Duration.ofSeconds(5), true);
        catalog = new ToolCatalog(List.of("file:routes/tools/*.yaml"), 200, policy);
        // the operator's default lists every group; tenant 'lean' lists two
        disclosure = new ToolDisclosure(catalog, List.of(), properties, 25);
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        camel.close();
    }

    private Exchange toolsList(String tenant, boolean all) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("tenant", tenant);
        ObjectNode params = JSON.createObjectNode();
        if (all) {
            params.putObject("_meta").put(ToolDisclosure.ALL_TOOLS_META, true);
        }
        exchange.setVariable("mcpMessage", new IncomingMessage(IncomingMessage.Kind.REQUEST, JSON.valueToTree(1),
                "tools/list", params, null, null));
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static List<String> groups(Map<String, Object> page) {
        List<String> groups = new ArrayList<>();
        ((List<Map<String, Object>>) page.get("tools")).forEach(t ->
                groups.add((String) ((Map<String, Object>) t.get("_meta")).get(ToolDefinition.GROUP_META_KEY)));
        return groups;
    }

    @Test
    void aTenantListingGroupsSeesThoseAndTheGatewaysOwnTools() {
        List<String> lean = groups(disclosure.listPage(toolsList("lean", false)));
        assertThat(lean).containsOnly("catalog", "sql", "gateway").contains("gateway");
        assertThat(disclosure.listedGroups(toolsList("lean", false))).containsExactly("catalog", "sql");
        // the others are only not listed: a search still finds them
        Exchange search = toolsList("lean", false);
        search.setVariable("toolArguments", JSON.createObjectNode().put("query", "genie"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> found = (List<Map<String, Object>>) disclosure.search(search).get("tools");
        assertThat(found).extracting(t -> t.get("name")).contains("ask_genie", "list_genie_spaces");
    }

    @Test
    void askingForAllToolsOrListingNoGroupsShowsEveryGroup() {
        List<String> all = groups(disclosure.listPage(toolsList("lean", true)));
        List<String> full = groups(disclosure.listPage(toolsList("full", false)));
        assertThat(all).contains("genie", "vector_search", "files", "workspace", "functions", "jobs");
        assertThat(full).containsExactlyInAnyOrderElementsOf(all);
        assertThat(disclosure.listedGroups(toolsList("full", false))).isEmpty();
    }
}
