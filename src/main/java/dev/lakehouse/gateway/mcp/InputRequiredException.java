package dev.lakehouse.gateway.mcp;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * MCP 2026-07-28: a call needs answers from the client (elicitation, sampling, roots) that it does not have yet. It
 * ends this round; the dispatch answers with an InputRequiredResult naming the input requests and a sealed
 * requestState holding the answers so far, and the client calls again with the answers.
 */
public class InputRequiredException extends RuntimeException {

    /**
     * One question for the client: the request a session client would have been sent. A {@code bound} question
     * (a confirmation that authorizes an action) takes its answer only through the requestState this server sealed
     * when it asked, so a yes always answers the question asked, for these arguments; an unbound one (a value the
     * user supplies) also takes an answer the client sends before it was asked.
     */
    public record InputRequest(String method, Object params, boolean bound) {

        public InputRequest(String method, Object params) {
            this(method, params, false);
        }
    }

    private final transient Map<String, InputRequest> requests;
    private final transient ObjectNode answers;
    private final int round;

    public InputRequiredException(Map<String, InputRequest> requests, ObjectNode answers, int round) {
        super("input required: " + requests.keySet(), null, false, false);
        this.requests = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requests));
        this.answers = answers;
        this.round = round;
    }

    /** The questions of this round, by the key their answers come back under. */
    public Map<String, InputRequest> requests() {
        return requests;
    }

    /** Every answer the call has so far (earlier rounds and this one's). */
    public ObjectNode answers() {
        return answers;
    }

    public int round() {
        return round;
    }
}
