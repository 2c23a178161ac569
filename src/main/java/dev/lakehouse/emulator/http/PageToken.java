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
}
