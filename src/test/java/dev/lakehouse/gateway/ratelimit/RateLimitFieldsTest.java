package dev.lakehouse.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lakehouse.gateway.mcp.JsonRpcException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.Test;

/** The RateLimit fields of a state, and the two ways a limited tool result is answered. */
class RateLimitFieldsTest {

    static final RateLimitState LIMITED = new RateLimitState("databricks-jobs-run", "acme", ApiFamily.JOBS_RUN, 9, 1, 0, 2, 3L);

    static RateLimitProperties properties(boolean http429) {
        return new RateLimitProperties(Map.of(), 1, RateLimitPolicy.ABSORB, 1.0, Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(1), 0.5, 0.9, 0.95, Duration.ofSeconds(1), Duration.ofSeconds(15), 0.05, 2, http429, -32010);
    }

    static Exchange limitedResult() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", List.of(Map.of("type", "text", "text", "Databricks rate-limits jobs-run calls on workspace acme; retry in 3 s.")));
        result.put("isError", true);
        result.put("structuredContent", RateLimitedException.of(LIMITED, null).structured());
        exchange.getMessage().setBody(result);
        exchange.setVariable(UpstreamGuard.STATE, LIMITED);
        return exchange;
    }

    @Test
    void headersAreStructuredFieldsAndTheOlderTrioInDeltaSeconds() {
        Map<String, String> headers = RateLimitFields.headers(LIMITED);
        assertThat(headers).containsEntry("RateLimit-Policy", "\"databricks-jobs-run\";q=9;w=1")
                .containsEntry("RateLimit", "\"databricks-jobs-run\";r=0;t=2").containsEntry("RateLimit-Limit", "9")
                .containsEntry("RateLimit-Remaining", "0").containsEntry("RateLimit-Reset", "2").containsEntry("Retry-After", "3");
        Item<?> policy = (Item<?>) Parser.parseList(headers.get("RateLimit-Policy")).get().get(0);
        assertThat(policy.get()).isEqualTo("databricks-jobs-run");
        Item<?> limit = (Item<?>) Parser.parseList(headers.get("RateLimit")).get().get(0);
        assertThat(((Number) limit.getParams().get("t").get()).longValue()).isEqualTo(2);
        RateLimitState open = new RateLimitState("databricks-sql-statements", "acme", ApiFamily.SQL_STATEMENTS, 28, 1, 1, 0, null);
        assertThat(RateLimitFields.headers(open)).doesNotContainKey("Retry-After").containsEntry("RateLimit", "\"databricks-sql-statements\";r=1;t=0");
    }

    @Test
    void byDefaultALimitedCallIsAnIsErrorResultWithTheFieldsInMeta() throws Exception {
        Exchange exchange = limitedResult();
        Object annotated = new RateLimitFields(properties(false)).annotate(exchange);
        Map<?, ?> result = (Map<?, ?>) annotated;
        assertThat(result.get("isError")).isEqualTo(true);
        Map<?, ?> meta = (Map<?, ?>) ((Map<?, ?>) result.get("_meta")).get(RateLimitFields.META_KEY);
        assertThat(meta.get("retry_after_seconds")).isEqualTo(3L);
        assertThat(meta.get("policy")).isEqualTo("databricks-jobs-run");
        assertThat(meta.get("reset_seconds")).isEqualTo(2L);
    }

    @Test
    void withHttp429ALimitedCallBecomesAJsonRpcErrorCarryingTheDetails() throws Exception {
        Exchange exchange = limitedResult();
        assertThatThrownBy(() -> new RateLimitFields(properties(true)).annotate(exchange))
                .isInstanceOfSatisfying(JsonRpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(-32010);
                    assertThat(e.getMessage()).contains("retry in 3 s");
                    assertThat(((Map<?, ?>) e.data()).get("retry_after_seconds")).isEqualTo(3L);
                });
    }

    @Test
    void aCallThatTouchedNoGovernedKeyIsLeftAlone() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Map<String, Object> result = Map.of("content", List.of(), "isError", false);
        exchange.getMessage().setBody(result);
        assertThat(new RateLimitFields(properties(false)).annotate(exchange)).isSameAs(result);
    }
}
