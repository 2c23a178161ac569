package dev.lakehouse.gateway.databricks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.tools.ToolExecutionException;

/**
 * Shaping of Databricks answers for agents: only the fields an agent needs, so a listing costs little context, and
 * the opaque {@code cursor} an agent passes back for the next page (one upstream page per call, never an unbounded
 * walk). Used by the declared REST tools and by the beans of hand-written tools alike.
 */
public final class DatabricksShapes {

    private static final String CURSOR_PREFIX = "dbx:";

    private DatabricksShapes() {
    }

    /** One object with only the named fields (dotted names reach into nested objects and keep their last part). */
    public static ObjectNode pick(JsonNode item, List<String> fields) {
        ObjectNode picked = JsonNodeFactory.instance.objectNode();
        for (String field : fields) {
            String name = field.trim();
            JsonNode value = item.at("/" + name.replace('.', '/'));
            if (!value.isMissingNode() && !value.isNull()) {
                picked.set(name.substring(name.lastIndexOf('.') + 1), value);
            }
        }
        return picked;
    }

    /** The agent's cursor for an upstream page token (opaque: agents pass it back unchanged). */
    public static String encode(String upstreamToken) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + upstreamToken).getBytes(StandardCharsets.UTF_8));
    }

    /** The upstream page token of a cursor; anything else is a tool error the model can correct. */
    public static String decode(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(CURSOR_PREFIX) && decoded.length() > CURSOR_PREFIX.length()) {
                return decoded.substring(CURSOR_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw new ToolExecutionException("Invalid cursor: pass the next_cursor value of the previous page unchanged.");
    }
}
