package dev.lakehouse.gateway.tools;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lakehouse.gateway.mcp.IncomingMessage;
import dev.lakehouse.gateway.tenant.TenantProperties;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Progressive disclosure of a large catalog: tools/list may show only the groups listed for a tenant (every tool
 * stays callable), search_tools finds any visible tool by name, title, description or group, and a client that
 * wants everything asks tools/list with {@code _meta["dev.lakehouse/all-tools"] = true}. An agent's context then
 * holds the tools it needs, not fifty schemas.
 */
@Component("toolDisclosure")
public class ToolDisclosure {

    /** tools/list param {@code _meta} key with which a client asks for every tool, whatever the listed groups. */
    public static final String ALL_TOOLS_META = "dev.lakehouse/all-tools";
    /** Always listed: the tools that tell an agent what else there is. */
    static final String GATEWAY_GROUP = "gateway";

    private final ToolCatalog catalog;
    private final List<String> listedGroups;
    private final TenantProperties tenants;
    private final int maxResults;

    public ToolDisclosure(ToolCatalog catalog,
            // the tool groups tools/list shows (empty: all); per tenant gateway.tenants.<t>.listed-groups
            @Value("${gateway.tools.listed-groups:}") List<String> listedGroups, TenantProperties tenants,
            // most tools one search_tools answer lists
            @Value("${gateway.tools.search.max-results}") int maxResults) {
        this.catalog = catalog;
        this.listedGroups = listedGroups.stream().map(String::trim).filter(g -> !g.isEmpty()).toList();
        this.tenants = tenants;
        this.maxResults = maxResults;
    }

    /** The groups tools/list shows this exchange's tenant; empty means every group. */
    public List<String> listedGroups(Exchange exchange) {
        TenantProperties.Tenant tenant = tenants.tenants().get(exchange.getVariable("tenant", String.class));
        List<String> groups = tenant != null && tenant.listedGroups() != null ? tenant.listedGroups() : listedGroups;
        return groups.stream().map(String::trim).filter(g -> !g.isEmpty()).toList();
    }

    /** tools/list: the visible tools of the listed groups (all when none are listed or the client asks for all). */
    public Map<String, Object> listPage(Exchange exchange) {
        List<ToolDefinition> visible = catalog.visibleTools(exchange);
        List<String> groups = listedGroups(exchange);
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        boolean all = message.params() != null && message.params().path("_meta").path(ALL_TOOLS_META).asBoolean(false);
        if (!groups.isEmpty() && !all) {
            visible = visible.stream().filter(t -> t.group().equals(GATEWAY_GROUP) || groups.contains(t.group())).toList();
        }
        return catalog.listPage(exchange, visible);
    }

    /** search_tools: visible tools ranked by how many query words their name, title, group and description hold. */
    public Map<String, Object> search(Exchange exchange) {
        JsonNode args = exchange.getVariable("toolArguments", JsonNode.class);
        Set<String> words = new TreeSet<>();
        for (String word : args.path("query").asText("").toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (word.length() > 1) {
                words.add(word);
            }
        }
        String group = args.path("group").asText(null);
        int limit = Math.max(1, Math.min(args.path("limit").asInt(10), maxResults));
        List<Map.Entry<ToolDefinition, Integer>> ranked = new ArrayList<>();
        for (ToolDefinition tool : catalog.visibleTools(exchange)) {
            if (group != null && !group.equals(tool.group())) {
                continue;
            }
            int score = score(tool, words);
            if (score > 0 || words.isEmpty()) {
                ranked.add(Map.entry(tool, score));
            }
        }
        ranked.sort(Comparator.<Map.Entry<ToolDefinition, Integer>>comparingInt(Map.Entry::getValue).reversed()
                .thenComparing(e -> e.getKey().name()));
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map.Entry<ToolDefinition, Integer> entry : ranked.subList(0, Math.min(limit, ranked.size()))) {
            ToolDefinition tool = entry.getKey();
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("name", tool.name());
            described.put("group", tool.group());
            described.put("description", tool.description());
            // the schema too, so the agent can call the tool without listing all of them
            described.put("inputSchema", tool.inputSchema());
            found.add(described);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tools", found);
        result.put("count", found.size());
        result.put("matched", ranked.size());
        return result;
    }

    /** Name and title words weigh 3, the group 2, the description 1: the best fit first. */
    static int score(ToolDefinition tool, Set<String> words) {
        String name = (tool.name() + " " + (tool.title() == null ? "" : tool.title())).toLowerCase(Locale.ROOT).replace('_', ' ');
        String group = tool.group().toLowerCase(Locale.ROOT).replace('_', ' ');
        String description = tool.description().toLowerCase(Locale.ROOT);
        int score = 0;
        for (String word : words) {
            score += (name.contains(word) ? 3 : 0) + (group.contains(word) ? 2 : 0) + (description.contains(word) ? 1 : 0);
        }
        return score;
    }
}
