package dev.lakehouse.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * MCP 2026-07-28: a call needs an answer from the client (elicitation, sampling, roots) that it does not have yet. It
 * ends this round; the dispatch answers with an InputRequiredResult naming the input request and a sealed
 * requestState holding the answers so far, and the client calls again with the answer.
 */
public class InputRequiredException extends RuntimeException {

    private final String key;
    private final String method;
    private final transient Object params;
    private final transient ObjectNode answers;
    private final int round;

    public InputRequiredException(String key, String method, Object params, ObjectNode answers, int round) {
        super("input required: " + method, null, false, false);
        this.key = key;
        this.method = method;
        this.params = params;
        this.answers = answers;
        this.round = round;
    }

    public String key() {
        return key;
    }

    public String method() {
        return method;
    }

    public Object params() {
        return params;
    }

    /** Every answer the call has so far (earlier rounds and this one's). */
    public ObjectNode answers() {
        return answers;
    }

    public int round() {
        return round;
    }
}
