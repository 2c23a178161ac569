package dev.lakehouse.gateway.mcp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One client request being served. Route steps reach it through the exchange variable {@code mcpCall} to report
 * progress, send log messages, ask the client (elicitation, sampling) and notice cancellation.
 */
public final class McpCall {

    private final McpSession session;
    private final IncomingMessage message;
    private final ResponseChannel channel;
    private final JsonRpc jsonRpc;
    private volatile boolean cancelled;
    private volatile Future<?> worker;
    private volatile McpSession createdSession;
    private double lastProgress = Double.NEGATIVE_INFINITY;
    private final java.util.List<Runnable> cancelHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, String> replyHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int replyStatus;
    /** 2026-07-28: the capabilities the request declared in its _meta (null for a session request). */
    private volatile JsonNode statelessCapabilities;
    /** 2026-07-28: the client's answers so far (earlier rounds via requestState, and this request's). */
    private volatile com.fasterxml.jackson.databind.node.ObjectNode inputAnswers;
    private volatile int inputRound = 1;
    /** 2026-07-28: whether inputAnswers came with a requestState this server sealed (bound questions need it). */
    private volatile boolean answersSealed;
    /** 2026-07-28: the log level this request asked for in its _meta (no log messages without one). */
    private volatile LogLevel requestLogLevel;
    private final java.util.concurrent.atomic.AtomicInteger inputsAsked = new java.util.concurrent.atomic.AtomicInteger();

    /** How long a session client may take to answer one of our requests (gateway.mcp.client-request-timeout). */
    private final Duration clientRequestTimeout;

    McpCall(McpSession session, IncomingMessage message, ResponseChannel channel, JsonRpc jsonRpc,
            Duration clientRequestTimeout) {
        this.clientRequestTimeout = clientRequestTimeout;
        this.session = session;
        this.message = message;
        this.channel = channel;
        this.jsonRpc = jsonRpc;
    }

    static String keyOf(JsonNode requestId) {
        return requestId == null ? "" : requestId.toString();
    }

    String key() {
        return keyOf(message.id());
    }

    public IncomingMessage message() {
        return message;
    }

    public McpSession session() {
        return session;
    }

    /** 2026-07-28: this call has no session; it declared these client capabilities in its _meta. */
    void stateless(JsonNode clientCapabilities) {
        this.statelessCapabilities = clientCapabilities;
    }

    /** 2026-07-28: log messages of this request at this level and above (from its _meta), or none when null. */
    void requestLogLevel(LogLevel level) {
        this.requestLogLevel = level;
    }

    public boolean isStateless() {
        return statelessCapabilities != null;
    }

    /**
     * 2026-07-28: the answers this round brings and its number; {@code sealed} when they came with a requestState
     * this server sealed, false for inputResponses sent without one (taken only for unbound questions).
     */
    public void inputAnswers(com.fasterxml.jackson.databind.node.ObjectNode answers, int round, boolean sealed) {
        this.inputAnswers = answers;
        this.inputRound = round;
        this.answersSealed = sealed;
    }

    /** Whether the client declared this elicitation mode, in its session or (2026-07-28) in this request's _meta. */
    public boolean clientSupportsElicitation(String mode) {
        return session != null ? session.clientSupportsElicitation(mode)
                : McpSession.supportsElicitation(statelessCapabilities, mode);
    }

    ResponseChannel channel() {
        return channel;
    }

    void worker(Future<?> worker) {
        this.worker = worker;
    }

    /** The session an initialize request created, so the transport can announce its id. */
    public void createdSession(McpSession created) {
        this.createdSession = created;
    }

    McpSession createdSession() {
        return createdSession;
    }

    /**
     * Header fields for this request's HTTP answer, if it is still a JSON answer when the call ends (an SSE answer
     * sent its headers when it started). Used for the RateLimit fields.
     */
    public void replyHeaders(Map<String, String> headers) {
        replyHeaders.putAll(headers);
    }

    Map<String, String> replyHeaders() {
        return Map.copyOf(replyHeaders);
    }

    /** The HTTP status of this request's JSON answer instead of 200 (a rate-limited call answered as HTTP 429). */
    public void replyStatus(int status) {
        this.replyStatus = status;
    }

    int replyStatus() {
        return replyStatus == 0 ? 200 : replyStatus;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Work to undo when this request is cancelled, run by the cancelling thread (e.g. cancel a statement upstream);
     * runs at once if the request is cancelled already.
     */
    public void onCancel(Runnable hook) {
        cancelHooks.add(hook);
        if (cancelled && cancelHooks.remove(hook)) {
            runQuietly(hook);
        }
    }

    private static void runQuietly(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(McpCall.class).warn("cancellation hook failed: {}", e.toString());
        }
    }

    /** Stops the work of this request (notifications/cancelled, session end); no response is sent. */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        channel.abandon();
        for (Runnable hook : cancelHooks) {
            if (cancelHooks.remove(hook)) {
                runQuietly(hook);
            }
        }
        Future<?> running = worker;
        if (running != null) {
            running.cancel(true);
        }
    }

    /** Sends notifications/progress when the caller gave a progress token; progress must increase, else dropped. */
    public synchronized boolean progress(Number progress, Number total, String text) {
        JsonNode token = message.progressToken();
        if (token == null || cancelled || progress == null || progress.doubleValue() <= lastProgress) {
            return false;
        }
        lastProgress = progress.doubleValue();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("progressToken", token);
        params.put("progress", progress);
        if (total != null) {
            params.put("total", total);
        }
        if (text != null) {
            params.put("message", text);
        }
        return channel.emit(jsonRpc.notification("notifications/progress", params));
    }

    /** Sends notifications/message if the client asked for this level (logging/setLevel); never log data rows. */
    public boolean log(LogLevel level, String logger, Object data) {
        LogLevel threshold = session != null ? session.logLevel() : requestLogLevel;
        if (threshold == null || level.compareTo(threshold) < 0 || cancelled) {
            return false;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("level", level.wireName());
        if (logger != null) {
            params.put("logger", logger);
        }
        params.put("data", data);
        return channel.emit(jsonRpc.notification("notifications/message", params));
    }

    /**
     * Sends a server-to-client request on this request's stream and waits for the client's answer, which arrives
     * as a JSON-RPC response on a later POST.
     *
     * @throws ClientRequestException when the client lacks the capability, answers with an error, or times out
     */
    public JsonNode askClient(String method, String requiredCapability, Object params, Duration timeout) {
        if (statelessCapabilities != null) {
            return askInRounds(method, requiredCapability, params);
        }
        if (session == null || !session.clientSupports(requiredCapability)) {
            throw new ClientRequestException("the client did not declare the '" + requiredCapability + "' capability");
        }
        String id = session.nextServerRequestId();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        session.awaitClientResponse(id, answer);
        try {
            if (!channel.emit(jsonRpc.request(TextNode.valueOf(id), method, params))) {
                throw new ClientRequestException("the request is no longer open");
            }
            JsonNode response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.has("error")) {
                throw new ClientRequestException("the client answered " + method + " with an error: "
                        + response.path("error").path("message").asText("unknown"));
            }
            return response.path("result");
        } catch (TimeoutException e) {
            throw new ClientRequestException("the client did not answer " + method + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new ClientRequestException("the session ended before the client answered " + method);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientRequestException("the request was cancelled");
        } finally {
            session.takeClientResponse(id);
        }
    }

    /**
     * 2026-07-28 has no server-to-client requests: the call runs again from the start with the client's answers, so
     * the n-th question of a run is input {@code input-n}. Answered already: the answer. Not yet: this round ends
     * with an InputRequiredResult asking for it.
     */
    private JsonNode askInRounds(String method, String requiredCapability, Object params) {
        if (!statelessCapabilities.has(requiredCapability)) {
            throw new MissingClientCapabilityException(requiredCapability, "Missing required client capability: this "
                    + "request needs '" + requiredCapability + "' (" + method + "), which its _meta did not declare");
        }
        // a question asked through askClient is answered in the round after it was asked, under the state sealed then
        String key = "input-" + inputsAsked.incrementAndGet();
        return requireInputs(Map.of(key, new InputRequiredException.InputRequest(method, params, true))).get(key);
    }

    /**
     * Several questions at once, by key (2026-07-28 asks them in one InputRequiredResult; a session client is asked
     * one after the other). Returns the answers when every question is answered, else ends the round asking for the
     * ones still open. Questions the client has no capability for are not asked (and have no answer).
     */
    public com.fasterxml.jackson.databind.node.ObjectNode requireInputs(Map<String, InputRequiredException.InputRequest> questions) {
        com.fasterxml.jackson.databind.node.ObjectNode answers = inputAnswers == null
                ? jsonRpc.mapper().createObjectNode() : inputAnswers;
        if (statelessCapabilities == null) {
            com.fasterxml.jackson.databind.node.ObjectNode asked = jsonRpc.mapper().createObjectNode();
            questions.forEach((key, question) -> {
                String capability = capabilityOf(question.method());
                if (session != null && session.clientSupports(capability)) {
                    asked.set(key, askClient(question.method(), capability, question.params(), clientRequestTimeout));
                }
            });
            return asked;
        }
        Map<String, InputRequiredException.InputRequest> open = new LinkedHashMap<>();
        questions.forEach((key, question) -> {
            JsonNode answer = answers.get(key);
            boolean taken = answer != null && answer.isObject() && (answersSealed || !question.bound());
            if (!taken && statelessCapabilities.has(capabilityOf(question.method()))) {
                open.put(key, question);
            }
        });
        if (!open.isEmpty()) {
            // only what may be taken travels on in the sealed state: an unsolicited answer to a bound question does not
            throw new InputRequiredException(open, answersSealed ? answers : takenAnswers(answers, questions), inputRound);
        }
        return answers;
    }

    /**
     * 2026-07-28: ends this round asking these questions whatever was answered before (a question that is asked as
     * long as its cause lasts, such as a sign-in link while the grant is missing). Answers so far travel on.
     */
    public void endRoundAsking(Map<String, InputRequiredException.InputRequest> questions) {
        com.fasterxml.jackson.databind.node.ObjectNode answers = inputAnswers == null || !answersSealed
                ? jsonRpc.mapper().createObjectNode() : inputAnswers;
        throw new InputRequiredException(questions, answers, inputRound);
    }

    /** Unsealed answers less those to bound questions (which must be asked first). */
    private static com.fasterxml.jackson.databind.node.ObjectNode takenAnswers(
            com.fasterxml.jackson.databind.node.ObjectNode answers, Map<String, InputRequiredException.InputRequest> questions) {
        com.fasterxml.jackson.databind.node.ObjectNode taken = answers.deepCopy();
        questions.forEach((key, question) -> {
            if (question.bound()) {
                taken.remove(key);
            }
        });
        return taken;
    }

    /** The client capability a server-to-client request needs. */
    static String capabilityOf(String method) {
        return switch (method) {
            case "elicitation/create" -> "elicitation";
            case "sampling/createMessage" -> "sampling";
            case "roots/list" -> "roots";
            default -> method;
        };
    }

    /** Closes this request's POST connection mid-call; the client resumes with GET + Last-Event-ID (SEP-1699). */
    public void disconnectStream() {
        channel.upgradeToStream();
        channel.stream().disconnectReader();
    }

    /** Thrown when a server-to-client request cannot be completed; tools turn it into an isError result. */
    public static final class ClientRequestException extends RuntimeException {
        public ClientRequestException(String message) {
            super(message, null, false, false);
        }
    }
}
