package dev.lakehouse.gateway.mcp;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs the dispatch route of one client request beside the HTTP exchange, so that the HTTP answer can start
 * streaming (progress, log messages, server-to-client requests) while the request is still being served, and so
 * that notifications/cancelled can stop it.
 */
@Component("mcpCalls")
public class CallRunner implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(CallRunner.class);
    static final String DISPATCH = "direct:mcp-dispatch";

    private final ProducerTemplate producer;
    private final SessionRegistry sessions;
    private final JsonRpc jsonRpc;
    private final ExecutorService workers;

    public CallRunner(CamelContext camelContext, SessionRegistry sessions, JsonRpc jsonRpc) {
        this.producer = camelContext.createProducerTemplate();
        this.sessions = sessions;
        this.jsonRpc = jsonRpc;
        // a cached pool: on JDK 21+ Camel makes these virtual threads when camel.threads.virtual.enabled=true
        this.workers = camelContext.getExecutorServiceManager().newCachedThreadPool(this, "mcp-call");
    }

    /** Serves the request in {@code mcpMessage} and leaves the HTTP answer in {@code mcpReply}. */
    public void run(Exchange exchange) throws InterruptedException {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpSession session = exchange.getVariable("mcpSession", McpSession.class);
        EventStream stream = sessions.newStream(session);
        ResponseChannel channel = new ResponseChannel(stream);
        McpCall call = new McpCall(session, message, channel, jsonRpc);
        if (session != null && !session.register(call)) {
            session.removeStream(stream);
            exchange.setVariable("mcpReply", McpReply.json(200, jsonRpc.error(message.id(), JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: a request with this id is still in flight in this session", null)));
            return;
        }
        Map<String, Object> variables = new HashMap<>(exchange.getVariables());
        variables.put("mcpCall", call);
        Future<?> worker = workers.submit(() -> execute(call, variables));
        call.worker(worker);

        McpReply reply;
        if (channel.awaitDecision() == ResponseChannel.Mode.JSON) {
            if (session != null) {
                session.removeStream(stream);
            }
            reply = McpReply.json(200, channel.jsonResponse());
        } else {
            reply = McpReply.sse(sessions.openPostStream(session, stream));
        }
        McpSession created = call.createdSession();
        exchange.setVariable("mcpReply", created == null ? reply : reply.withSessionId(created.id()));
    }

    private void execute(McpCall call, Map<String, Object> variables) {
        try {
            Exchange done = producer.send(DISPATCH, ex -> variables.forEach(ex::setVariable));
            if (call.isCancelled()) {
                return;
            }
            String json;
            if (done.getException() != null) {
                String ref = SessionRegistry.randomId(6);
                LOG.warn("dispatch failed ref={} method={}: {}", ref, call.message().method(), done.getException().toString());
                json = jsonRpc.error(call.message().id(), JsonRpcErrors.INTERNAL_ERROR, "Internal error (ref " + ref + ")", null);
            } else {
                json = done.getMessage().getBody(String.class);
            }
            call.channel().respond(json);
        } finally {
            if (call.session() != null) {
                call.session().unregister(call);
            }
            call.channel().abandon();
        }
    }

    /** notifications/cancelled: stops the named in-flight request of this session; unknown ids are ignored. */
    public void cancel(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpSession session = exchange.getVariable("mcpSession", McpSession.class);
        JsonNode requestId = message.params().get("requestId");
        McpCall call = session == null || requestId == null ? null : session.inFlight(requestId);
        if (call != null && !"initialize".equals(call.message().method())) {
            LOG.debug("cancelling request {} ({})", requestId, call.message().method());
            call.cancel();
        }
    }

    /** A JSON-RPC response from the client to one of our server-to-client requests. */
    public void acceptClientResponse(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpSession session = exchange.getVariable("mcpSession", McpSession.class);
        var waiting = session.takeClientResponse(message.id().asText());
        if (waiting == null) {
            throw new McpTransportException(400, JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: no server request with this id is waiting for an answer");
        }
        var response = jsonRpc.mapper().createObjectNode();
        if (message.error() != null) {
            response.set("error", message.error());
        } else {
            response.set("result", message.result());
        }
        waiting.complete(response);
    }

    @Override
    public void destroy() {
        workers.shutdownNow();
    }
}
