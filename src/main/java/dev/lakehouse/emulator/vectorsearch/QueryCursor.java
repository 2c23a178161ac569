package dev.lakehouse.emulator.vectorsearch;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.Json;

/**
 * The next_page_token of a query: the index, the original request and the offset of the next row, base64url-encoded.
 * Stateless on purpose: the index never changes, so re-running the query gives the same order and a token stays
 * valid for as long as the emulator runs, on any of its threads, with nothing to expire or clean up.
 */
record QueryCursor(String indexName, JsonNode request, int offset) {

    String encode() {
        ObjectNode json = Json.obj();
        json.put("index", indexName);
        json.put("offset", offset);
        json.set("request", request);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    static QueryCursor decode(String token) {
        try {
            JsonNode json = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
            JsonNode index = json.get("index");
            JsonNode offset = json.get("offset");
            JsonNode request = json.get("request");
            if (index != null && index.isTextual() && offset != null && offset.isInt() && offset.asInt() > 0
                    && request != null && request.isObject()) {
                return new QueryCursor(index.asText(), request, offset.asInt());
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            // falls through to the error below
        }
        throw ApiException.invalidParameter("Invalid page_token: " + token);
    }
}
