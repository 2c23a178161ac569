package dev.lakehouse.gateway.mcp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.gateway.ops.RequestIds;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs the dispatch route of one client request beside the HTTP exchange, so that the HTTP answer can start
 * streaming (progress, log messages, server-to-client requests) while the request is still being served, and so
 * that notifications/cancelled can stop it. The route runs on Camel's asynchronous routing engine: a worker starts
 * it, and where it waits (a throttle turn, a Retry-After pause, an SQL polling delay) the worker is given back and
 * the route resumes later on the continuation pool; the answer is written when the route completes, wherever.
 * Requests that cannot stream nor wait for the client (ping, tools/list, a local tool such as gateway_info; listed in
 * {@code gateway.mcp.inline-methods} and {@code gateway.mcp.inline-tools}) run inline on the HTTP thread instead:
 * no hand-off to a worker and back, which on a loaded machine costs more than such a request itself.
 */
@Component("mcpCalls")
public class CallRunner implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(CallRunner.class);
    static final String DISPATCH = "direct:mcp-dispatch";

    private final AtomicInteger inFlight = new AtomicInteger();
    private final CamelContext camelContext;
    private volatile AsyncProducer dispatcher;
    private final SessionRegistry sessions;
    private final JsonRpc jsonRpc;
    private final ExecutorService workers;
    private final java.time.Duration clientRequestTimeout;
    private final Set<String> inlineMethods;
    private final Set<String> inlineTools;

    public CallRunner(CamelContext camelContext, SessionRegistry sessions, JsonRpc jsonRpc, McpProperties properties,
            @Value("${gateway.mcp.inline-methods:}") List<String> inlineMethods,
            @Value("${gateway.mcp.inline-tools:}") List<String> inlineTools) {
        this.inlineMethods = Set.copyOf(inlineMethods);
        this.inlineTools = Set.copyOf(inlineTools);
        this.clientRequestTimeout = properties.clientRequestTimeout();
        this.camelContext = camelContext;
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
        McpCall call = new McpCall(session, message, channel, jsonRpc, clientRequestTimeout);
        if (RevisionRules.isStateless(exchange)) {
            call.stateless(exchange.getVariable(RevisionRules.CLIENT_CAPABILITIES, JsonNode.class));
            call.requestLogLevel(RevisionRules.logLevel(message));
        }
        if (session != null && !session.register(call)) {
            session.removeStream(stream);
            exchange.setVariable("mcpReply", McpReply.json(200, jsonRpc.error(message.id(), JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: a request with this id is still in flight in this session", null)));
            return;
        }
        Map<String, Object> variables = new HashMap<>(exchange.getVariables());
        variables.put("mcpCall", call);
        inFlight.incrementAndGet();
        if (inline(message)) {
            execute(call, variables, true);   // this thread's MDC already names the request
        } else {
            Future<?> worker = workers.submit(() -> execute(call, variables, false));
            call.worker(worker);
        }

        McpReply reply;
        if (channel.awaitDecision() == ResponseChannel.Mode.JSON) {
            if (session != null) {
                session.removeStream(stream);
            }
            // a JSON answer is written after the call: it can carry what the call learnt (RateLimit fields, a 429)
            reply = new McpReply(call.replyStatus(), "application/json", channel.jsonResponse(), null, call.replyHeaders());
        } else {
            reply = McpReply.sse(sessions.openPostStream(session, stream));
        }
        McpSession created = call.createdSession();
        exchange.setVariable("mcpReply", created == null ? reply : reply.withSessionId(created.id()));
    }

    /** Whether the request can neither stream nor wait for the client, so runs on the HTTP thread. */
    boolean inline(IncomingMessage message) {
        if ("tools/call".equals(message.method())) {
            JsonNode name = message.params() == null ? null : message.params().get("name");
            return name != null && name.isTextual() && inlineTools.contains(name.asText());
        }
        return inlineMethods.contains(message.method());
    }

    private void execute(McpCall call, Map<String, Object> variables, boolean inline) {
        Exchange exchange = null;
        try {
            AsyncProducer producer = dispatcher();
            Exchange dispatch = producer.getEndpoint().createExchange(ExchangePattern.InOut);
            exchange = dispatch;
            variables.forEach(dispatch::setVariable);
            // the request's id in the MDC of this pool thread, for the log lines of the dispatch until its first
            // asynchronous wait (Camel's own MDC propagation is off: see application.properties)
            Object requestId = variables.get(RequestIds.VARIABLE);
            if (!inline && requestId != null) {
                MDC.put(RequestIds.MDC_KEY, requestId.toString());
            }
            try {
                if (inline) {
                    // this thread is inside the endpoint route's own reactive loop: an asynchronous process() would
                    // only queue the dispatch behind it (and wait forever); the await manager runs that queue
                    PluginHelper.getAsyncProcessorAwaitManager(camelContext).process(producer, dispatch);
                    finish(call, dispatch);
                } else {
                    producer.process(dispatch, doneSync -> finish(call, dispatch));
                }
            } finally {
                if (!inline) {
                    MDC.remove(RequestIds.MDC_KEY);
                }
            }
        } catch (Exception | LinkageError e) {
            if (exchange == null) {
                LOG.warn("dispatch could not start for method {}: {}", call.message().method(), e.toString());
                call.channel().respond(jsonRpc.error(call.message().id(), JsonRpcErrors.INTERNAL_ERROR, "Internal error", null));
                release(call);
            } else {
                exchange.setException(e);
                finish(call, exchange);
            }
        }
    }

    /** The producer of the dispatch route, made once (the route must exist, so not at construction). */
    private AsyncProducer dispatcher() throws Exception {
        AsyncProducer producer = dispatcher;
        if (producer == null) {
            synchronized (this) {
                if (dispatcher == null) {
                    Endpoint endpoint = camelContext.getEndpoint(DISPATCH);
                    AsyncProducer created = endpoint.createAsyncProducer();
                    ServiceHelper.startService(created);
                    dispatcher = created;
                }
                producer = dispatcher;
            }
        }
        return producer;
    }

    /** When the dispatch route completes (on whatever thread): the JSON-RPC answer, unless the call was cancelled. */
    private void finish(McpCall call, Exchange done) {
        try {
            if (call.isCancelled()) {
                return;
            }
            String json;
            if (done.getException() != null) {
                String ref = RequestIds.of(done);
                LOG.warn("dispatch failed ref={} method={}: {}", ref, call.message().method(), done.getException().toString());
                json = jsonRpc.error(call.message().id(), JsonRpcErrors.INTERNAL_ERROR, "Internal error (ref " + ref + ")", null);
            } else {
                json = done.getMessage().getBody(String.class);
            }
            call.channel().respond(json);
        } finally {
            release(call);
        }
    }

    /** Calls dispatched and not yet answered on this replica (gauge {@code gateway.mcp.calls.in.flight}). */
    public int inFlight() {
        return inFlight.get();
    }

    private void release(McpCall call) {
        inFlight.decrementAndGet();
        if (call.session() != null) {
            call.session().unregister(call);
        }
        call.channel().abandon();
    }

    /** notifications/cancelled: stops the named in-flight request of this session; unknown ids are ignored. */
    public void cancel(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpSession session = exchange.getVariable("mcpSession", McpSession.class);
        JsonNode requestId = message.params().get("requestId");
        if (session == null || requestId == null) {
            return;
        }
        if (!sessions.cancelHere(session.id(), requestId) && sessions.bus().shared()) {
            // the call may run on another replica: only that one knows, so every replica looks
            sessions.bus().broadcastCancel(session.id(), requestId);
        }
    }

    /** A JSON-RPC response from the client to one of our server-to-client requests. */
    public void acceptClientResponse(Exchange exchange) {
        IncomingMessage message = exchange.getVariable("mcpMessage", IncomingMessage.class);
        McpSession session = exchange.getVariable("mcpSession", McpSession.class);
        String requestId = message.id().asText();
        var waiting = session.takeClientResponse(requestId);
        String owner = SessionRegistry.replicaOf(requestId);
        boolean elsewhere = waiting == null && owner != null && !owner.equals(sessions.bus().replicaId())
                && sessions.bus().shared();
        if (waiting == null && !elsewhere) {
            throw new McpTransportException(400, JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: no server request with this id is waiting for an answer");
        }
        var response = jsonRpc.mapper().createObjectNode();
        if (message.error() != null) {
            response.set("error", message.error());
        } else {
            response.set("result", message.result());
        }
        if (elsewhere) {
            // the call that asked runs on the replica its id names: the answer goes there
            sessions.bus().deliverClientResponse(owner, session.id(), requestId, response);
            return;
        }
        waiting.complete(response);
    }

    @Override
    public void destroy() {
        workers.shutdownNow();
        ServiceHelper.stopService(dispatcher);
    }
}
