package dev.lakehouse.gateway.tools;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.gateway.mcp.HeaderMismatchException;
import dev.lakehouse.gateway.mcp.RevisionRules;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * MCP 2026-07-28 custom headers (SEP-2243): a tool argument whose schema carries {@code x-mcp-header: Name} travels
 * also as the HTTP header {@code Mcp-Param-Name}, so a load balancer or firewall can route or limit by it without
 * reading the body (ours: {@code workspace}, as {@code Mcp-Param-Workspace}). Because an intermediary may already
 * have acted on the header, the body must say the same: an argument without its header, a header without its
 * argument, a different value or a malformed {@code =?base64?…?=} value is HTTP 400 with -32020 (HeaderMismatch).
 * Values outside visible ASCII travel Base64-encoded in that wrapper; anything else is taken literally.
 */
@Component("paramHeaders")
public class ParamHeaders {

    /** The schema keyword that names a parameter's header. */
    public static final String KEYWORD = "x-mcp-header";
    private static final String PREFIX = "Mcp-Param-";
    private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

    public void check(Exchange exchange) {
        ToolDefinition tool = exchange.getVariable("tool", ToolDefinition.class);
        JsonNode arguments = exchange.getVariable("toolArguments", JsonNode.class);
        Iterator<Map.Entry<String, JsonNode>> properties = tool.inputSchema().path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            JsonNode headerName = property.getValue().get(KEYWORD);
            if (headerName == null || !headerName.isTextual()) {
                continue;
            }
            String header = PREFIX + headerName.asText();
            String sent = sent(exchange).get(header.toLowerCase(Locale.ROOT));
            JsonNode argument = arguments.get(property.getKey());
            boolean given = argument != null && !argument.isNull();
            if (sent == null && !given) {
                continue;
            }
            if (sent == null) {
                throw new HeaderMismatchException(header + " is missing, but arguments." + property.getKey() + " is given");
            }
            if (!given) {
                throw new HeaderMismatchException(header + " is given, but arguments." + property.getKey() + " is not");
            }
            String value = decode(sent.trim(), header);
            String expected = argument.isTextual() ? argument.asText() : argument.toString();
            if (!value.equals(expected)) {
                throw new HeaderMismatchException(header + " does not match arguments." + property.getKey());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> sent(Exchange exchange) {
        Map<String, String> headers = exchange.getVariable(RevisionRules.PARAM_HEADERS, Map.class);
        return headers == null ? Map.of() : headers;
    }

    /** {@code =?base64?…?=} is strict Base64 of UTF-8 (padding required); any other value is literal. */
    static String decode(String value, String header) {
        if (!(value.startsWith("=?base64?") && value.endsWith("?=") && value.length() >= 11)) {
            return value;
        }
        String encoded = value.substring(9, value.length() - 2);
        if (!BASE64.matcher(encoded).matches()) {
            throw new HeaderMismatchException(header + " is not valid Base64 inside =?base64?…?=");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64.getDecoder().decode(encoded))).toString();
        } catch (CharacterCodingException e) {
            throw new HeaderMismatchException(header + " does not decode to UTF-8 text");
        }
    }
}
