package dev.lakehouse.gateway.mcp;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Writes the HTTP answer of the MCP endpoint: status, the few headers we mean to send, and the body. */
@Component("mcpReplies")
public class McpReplies {

    private static final Logger LOG = LoggerFactory.getLogger(McpReplies.class);

    private final JsonRpc jsonRpc;

    public McpReplies(JsonRpc jsonRpc) {
        this.jsonRpc = jsonRpc;
    }

    /** 202 Accepted, no body: what a notification or a client response gets. */
    public void accepted(Exchange exchange) {
        exchange.setVariable("mcpReply", McpReply.empty(202));
    }

    /** 200 with no body: a session ended by DELETE. */
    public void ok(Exchange exchange) {
        exchange.setVariable("mcpReply", McpReply.empty(200));
    }

    /** Maps a transport failure (the caught exception) to its HTTP status and a JSON-RPC error without id. */
    public void transportError(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        McpReply reply;
        if (caught instanceof McpTransportException e) {
            reply = new McpReply(e.httpStatus(), "application/json", jsonRpc.error(e.id(), e.code(), e.getMessage(), e.data()),
                    null, e.headers());
        } else if (caught instanceof JsonRpcException e) {
            reply = McpReply.json(200, jsonRpc.error(null, e.code(), e.getMessage(), e.data()));
        } else {
            String ref = dev.lakehouse.gateway.ops.RequestIds.of(exchange);
            LOG.warn("unexpected transport failure ref={}: {}", ref, caught == null ? "unknown" : caught.toString());
            reply = McpReply.json(500, jsonRpc.error(null, JsonRpcErrors.INTERNAL_ERROR, "Internal error (ref " + ref + ")", null));
        }
        exchange.setVariable("mcpReply", reply);
    }

    /** The last step of the endpoint: request headers were removed before, so nothing is echoed back. */
    public void write(Exchange exchange) {
        McpReply reply = exchange.getVariable("mcpReply", McpReply.class);
        if (reply == null) {
            reply = McpReply.json(500, jsonRpc.error(null, JsonRpcErrors.INTERNAL_ERROR, "Internal error: no reply", null));
        }
        Message out = exchange.getMessage();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        if (reply.contentType() != null) {
            out.setHeader(Exchange.CONTENT_TYPE, reply.contentType());
        }
        if (reply.sessionId() != null) {
            out.setHeader("Mcp-Session-Id", reply.sessionId());
        }
        for (Map.Entry<String, String> header : reply.headers().entrySet()) {
            out.setHeader(header.getKey(), header.getValue());
        }
        out.setBody(reply.body());
    }
}
