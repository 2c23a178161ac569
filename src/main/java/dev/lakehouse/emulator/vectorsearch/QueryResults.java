package dev.lakehouse.emulator.vectorsearch;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.Json;

/** Turns ranked rows into one page of QueryVectorIndexResponse: manifest, result and, when more remain, a token. */
final class QueryResults {

    /** The real service appends the similarity score to every row as one more column of this name. */
    static final String SCORE_COLUMN = "score";

    private QueryResults() { }

    static ObjectNode page(SearchIndex index, IndexQuery query, List<ScoredRow> ranked, JsonNode request,
                           int offset, int pageSize) {
        ObjectNode body = Json.obj();
        ObjectNode manifest = body.putObject("manifest");
        manifest.put("column_count", query.columns().size() + 1);
        ArrayNode columns = manifest.putArray("columns");
        query.columns().forEach(c -> columns.addObject().put("name", c));
        columns.addObject().put("name", SCORE_COLUMN);

        int end = Math.min(ranked.size(), offset + pageSize);
        ObjectNode result = body.putObject("result");
        result.put("row_count", Math.max(0, end - offset));
        ArrayNode data = result.putArray("data_array");
        for (int i = offset; i < end; i++) {
            ScoredRow scored = ranked.get(i);
            ArrayNode row = data.addArray();
            query.columns().forEach(c -> row.add(Json.MAPPER.valueToTree(scored.row().value(c))));
            row.add(scored.score());
        }
        if (end < ranked.size()) {
            body.put("next_page_token", new QueryCursor(index.name(), request, end).encode());
        }
        return body;
    }
}
