package dev.lakehouse.emulator.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque offset-based page tokens (base64 of {@code offset:<n>}), rejected with 400 when forged. */
public final class PageToken {

    private PageToken() { }

    public static String encode(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** Offset encoded in the token; 0 for a missing or empty token. */
    public static int decode(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("offset:")) {
                int offset = Integer.parseInt(text.substring("offset:".length()));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException ignored) {
            // falls through to the error below
        }
        throw ApiException.invalidParameter("Invalid page_token: " + token);
    }

    /**
     * One page of an offset-paged list ({@code page_size} and {@code page_token} of the request; size 0 or absent =
     * everything): the items key is always present, {@code next_page_token} only when more remain, and
     * {@code prev_page_token} when {@code withPrevious} and this is not the first page.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode slice(ApiRequest request,
            java.util.List<com.fasterxml.jackson.databind.node.ObjectNode> all, String itemsKey, boolean withPrevious) {
        Integer pageSize = request.queryInt("page_size");
        if (pageSize != null && pageSize < 0) {
            throw ApiException.invalidParameter("page_size must not be negative");
        }
        int offset = decode(request.query("page_token"));
        int size = pageSize == null || pageSize == 0 ? Math.max(1, all.size()) : pageSize;
        int end = Math.min(all.size(), offset + size);
        com.fasterxml.jackson.databind.node.ObjectNode body = Json.obj();
        com.fasterxml.jackson.databind.node.ArrayNode page = body.putArray(itemsKey);
        for (int i = Math.min(offset, all.size()); i < end; i++) {
            page.add(all.get(i));
        }
        if (end < all.size()) {
            body.put("next_page_token", encode(end));
        }
        if (withPrevious && offset > 0) {
            body.put("prev_page_token", encode(Math.max(0, offset - size)));
        }
        return body;
    }
}
