package dev.lakehouse.emulator.catalog;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.emulator.EmulatorProperties;
import dev.lakehouse.emulator.http.ApiException;
import dev.lakehouse.emulator.http.ApiRequest;
import dev.lakehouse.emulator.http.Json;
import dev.lakehouse.emulator.http.PageToken;

/**
 * Unity Catalog's list paging: {@code max_results} < 0 is a 400, 0 means the server page size,
 * unset means everything (except lists that always paginate); the items key is always present and
 * {@code next_page_token} is omitted on the last page.
 */
final class UcPage {

    private UcPage() { }

    static ObjectNode of(String itemsKey, List<ObjectNode> items, ApiRequest request, boolean alwaysPaginate,
                         EmulatorProperties.UnityCatalog config) {
        Integer maxResults = request.queryInt("max_results");
        if (maxResults != null && maxResults < 0) {
            throw ApiException.invalidParameter("max_results must be greater than or equal to 0");
        }
        int offset = Math.min(PageToken.decode(request.query("page_token")), items.size());
        int size;
        if (maxResults == null) {
            size = alwaysPaginate ? config.getDefaultPageSize() : Integer.MAX_VALUE;
        } else if (maxResults == 0) {
            size = config.getDefaultPageSize();
        } else {
            size = Math.min(maxResults, config.getMaxPageSize());
        }
        int end = (int) Math.min(items.size(), (long) offset + size);
        ObjectNode body = Json.obj();
        ArrayNode page = body.putArray(itemsKey);
        items.subList(offset, end).forEach(page::add);
        if (end < items.size()) {
            body.put("next_page_token", PageToken.encode(end));
        }
        return body;
    }
}
