package dev.lakehouse.gateway.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.lakehouse.gateway.mcp.McpCall;
import dev.lakehouse.gateway.tenant.WorkspaceConnection;
import dev.lakehouse.gateway.tools.ToolExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * Step 8 of the pipeline, the upstream guard of route {@code databricks-call}: before each attempt, the call waits
 * for the turn of its (workspace, API family) key, asynchronously (an {@link AsyncProcessor}: while it waits no
 * thread is held; the route resumes on the continuation pool), or is answered at once when its policy is passthrough
 * or its turn would come after its deadline. After the answer, {@link #onAnswer} feeds the key (pause, learning) and
 * says whether an absorbed 429 is tried again.
 *
 * <p>Variables it reads: {@code connection}, {@code dbMethod}, {@code dbPath}, {@code dbDeadline} (set by the first
 * attempt), {@code dbAttempt}; it sets {@code dbLimit}, {@code dbReleasedAt} and {@code rateLimit} (the most
 * constrained state this tool call has met, for the RateLimit fields of the answer).
 */
@Component("upstreamGuard")
public class UpstreamGuard extends AsyncProcessorSupport {

    /** Exchange variable: the RateLimitState of the tool call, for the response fields. */
    public static final String STATE = "rateLimit";

    private final UpstreamGovernor governor;

    public UpstreamGuard(UpstreamGovernor governor) {
        this.governor = governor;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        WorkspaceConnection connection = exchange.getVariable("connection", WorkspaceConnection.class);
        ApiFamily family = ApiFamily.ofCall(exchange);
        UpstreamLimit limit = governor.limitFor(connection, family);
        exchange.setVariable("dbLimit", limit);
        Long deadline = exchange.getVariable("dbDeadline", Long.class);
        if (deadline == null) {
            deadline = System.nanoTime() + governor.properties().maxQueueWait().toNanos();
            exchange.setVariable("dbDeadline", deadline);
        }
        boolean retry = exchange.getVariable("dbAttempt", 0, Integer.class) > 1;
        Turn turn = new Turn(deadline, retry, exchange, callback, limit, connection.name());
        UpstreamLimit.Outcome outcome = limit.enter(turn);
        if (outcome == UpstreamLimit.Outcome.QUEUED) {
            McpCall call = exchange.getVariable("mcpCall", McpCall.class);
            if (call != null) {
                call.onCancel(turn::cancelled);
            }
            return false;
        }
        if (outcome == UpstreamLimit.Outcome.PROCEED) {
            released(exchange, limit, connection.name());
        }
        callback.done(true);
        return true;
    }

    private static void released(Exchange exchange, UpstreamLimit limit, String workspace) {
        exchange.setVariable("dbReleasedAt", System.nanoTime());
        record(exchange, limit.state(workspace));
    }

    /** Keeps, per tool call, the most constrained state met (several upstream calls may touch several keys). */
    public static void record(Exchange exchange, RateLimitState state) {
        exchange.setVariable(STATE, RateLimitState.mostConstrained(exchange.getVariable(STATE, RateLimitState.class), state));
    }

    /**
     * Step 11 for one answer (status 0: none came, the call is no longer in flight): the key learns from it; a 429
     * pauses the key. Returns true when the call should be tried again (absorb, and a pause within the cap: the guard
     * then waits it out or answers at the call's deadline); throws the limited answer when not (passthrough, a pause
     * longer than the cap).
     */
    public boolean onAnswer(Exchange exchange, int status, Long retryAfterSeconds) {
        UpstreamLimit limit = exchange.getVariable("dbLimit", UpstreamLimit.class);
        Long releasedAt = exchange.getVariable("dbReleasedAt", Long.class);
        if (limit == null || releasedAt == null) {
            return false;   // never released, or already reported: once per released call
        }
        exchange.removeVariable("dbReleasedAt");
        long paused = limit.onAnswer(status, retryAfterSeconds, releasedAt);
        if (status != 429) {
            return false;
        }
        String workspace = exchange.getVariable("connection", WorkspaceConnection.class).name();
        long wanted = retryAfterSeconds != null ? retryAfterSeconds : paused;
        boolean beyondCap = retryAfterSeconds != null && retryAfterSeconds > governor.properties().maxPause().toSeconds();
        if (limit.policy() == RateLimitPolicy.ABSORB && !beyondCap) {
            return true;   // the guard holds the call until the key's pause is over, or answers it at its deadline
        }
        RateLimitState state = limit.state(workspace).limitedFor(Math.max(1, wanted));
        record(exchange, state);
        throw RateLimitedException.of(state, beyondCap ? "the workspace asked for a long pause" : null);
    }

    /** One call's turn in a key's queue: completes the route exactly once, by release, rejection or cancellation. */
    private static final class Turn extends UpstreamLimit.Waiter {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final UpstreamLimit limit;
        private final String workspace;
        private final AtomicBoolean settled = new AtomicBoolean();

        Turn(long deadline, boolean retry, Exchange exchange, AsyncCallback callback, UpstreamLimit limit, String workspace) {
            super(deadline, retry);
            this.exchange = exchange;
            this.callback = callback;
            this.limit = limit;
            this.workspace = workspace;
        }

        @Override
        protected void proceed() {
            if (settled.compareAndSet(false, true)) {
                released(exchange, limit, workspace);
                callback.done(false);
            }
        }

        /** Called on the entering thread (not queued: the process method completes) or later (queued). */
        @Override
        protected void reject(long retryAfterSeconds) {
            if (settled.compareAndSet(false, true)) {
                RateLimitState state = limit.state(workspace).limitedFor(retryAfterSeconds);
                record(exchange, state);
                exchange.setException(RateLimitedException.of(state, limit.policy() == RateLimitPolicy.ABSORB
                        ? "the wait for a turn would be too long" : null));
                if (isQueued()) {
                    callback.done(false);
                }
            }
        }

        void cancelled() {
            limit.cancel(this);
            if (settled.compareAndSet(false, true)) {
                exchange.setException(new ToolExecutionException("The call was cancelled."));
                callback.done(false);
            }
        }
    }
}
