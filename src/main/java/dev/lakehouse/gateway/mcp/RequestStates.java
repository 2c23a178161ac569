package dev.lakehouse.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lakehouse.gateway.cluster.ClusterBus;
import dev.lakehouse.gateway.cluster.LocalBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The {@code requestState} of MCP 2026-07-28's InputRequiredResult: what a call learnt in earlier rounds (the
 * client's answers), carried by the client between rounds and trusted only because it is sealed here. A state is
 * {@code <payload>.<HMAC-SHA256>} in base64url; the payload names the caller, the method and tool, a hash of the
 * arguments (an answer given for one set of arguments never authorizes another), the round, an expiry and a unique
 * id. Opening checks the MAC first, then every binding, then that the state was not used before (single use, remembered
 * until it expires, on every replica through the cluster bus). A tampered, foreign, stale or replayed state is refused with -32602 and the reason.
 */
@Component
public class RequestStates {

    private static final Logger LOG = LoggerFactory.getLogger(RequestStates.class);
    static final int MIN_KEY_BYTES = Hmac.MIN_KEY_BYTES;
    /** Longer states are refused unread. */
    static final int MAX_STATE_LENGTH = 64 * 1024;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What an opened state holds: the answers of earlier rounds and the round it was sealed for. */
    public record Opened(ObjectNode answers, int round) {
    }

    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** Ids of states already used, with their expiry (epoch seconds): at most once per state. */
    private final Map<String, Long> used = new ConcurrentHashMap<>();
    /** With replicas: a state used on one is used on all (Redis SET NX for the rest of its life). */
    private final ClusterBus bus;

    @Autowired
    public RequestStates(@Value("${gateway.mcp.request-state-key:}") String base64Key,
            @Value("${gateway.mcp.request-state-ttl:10m}") Duration ttl, ClusterBus bus) {
        this(Hmac.key(base64Key, "gateway.mcp.request-state-key", "2026-07-28 requestState", LOG), ttl, Clock.systemUTC(),
                bus);
    }

    RequestStates(byte[] key, Duration ttl, Clock clock) {
        this(key, ttl, clock, new LocalBus("test"));
    }

    RequestStates(byte[] key, Duration ttl, Clock clock, ClusterBus bus) {
        this.bus = bus;
        Hmac.requireLength(key, "gateway.mcp.request-state-key");
        this.key = key;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Seals the answers so far for the next round of this caller's call of {@code method}/{@code name}. */
    public String seal(String caller, String method, String name, JsonNode arguments, ObjectNode answers, int round) {
        long now = clock.instant().getEpochSecond();
        forgetExpired(now);
        ObjectNode payload = json.createObjectNode();
        payload.put("v", 1);
        payload.put("sub", caller);
        payload.put("m", method);
        payload.put("n", name);
        payload.put("h", argumentsHash(arguments));
        payload.put("r", round);
        payload.put("exp", now + ttl.toSeconds());
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        payload.put("jti", B64.encodeToString(jti));
        payload.set("a", answers == null ? json.createObjectNode() : answers);
        String body = B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac(body));
    }

    /** Opens a state for this caller's call of {@code method}/{@code name} with these arguments, once. */
    public Opened open(String state, String caller, String method, String name, JsonNode arguments) {
        if (state == null || state.length() > MAX_STATE_LENGTH) {
            throw refused("it is missing or too long");
        }
        int dot = state.indexOf('.');
        if (dot <= 0 || dot != state.lastIndexOf('.')) {
            throw refused("it is not a state this server issued");
        }
        String body = state.substring(0, dot);
        byte[] signature;
        JsonNode payload;
        try {
            signature = B64D.decode(state.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, mac(body))) {
                throw refused("its signature does not match (it was changed or not issued here)");
            }
            payload = json.readTree(B64D.decode(body));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw refused("it is not a state this server issued");
        }
        long now = clock.instant().getEpochSecond();
        if (!payload.path("sub").asText("").equals(caller)) {
            throw refused("it was issued to another caller");
        }
        if (!payload.path("m").asText("").equals(method) || !payload.path("n").asText("").equals(name)) {
            throw refused("it was issued for another request");
        }
        if (!payload.path("h").asText("").equals(argumentsHash(arguments))) {
            throw refused("the arguments differ from those of the request it was issued for");
        }
        long expires = payload.path("exp").asLong(0);
        if (expires < now) {
            throw refused("it has expired; call again without requestState");
        }
        String jti = payload.path("jti").asText("");
        if (jti.isEmpty() || used.putIfAbsent(jti, expires) != null || !bus.firstUse("request-state:" + jti, expires - now)) {
            throw refused("it was used already; each requestState is good for one retry");
        }
        JsonNode answers = payload.get("a");
        return new Opened(answers != null && answers.isObject() ? (ObjectNode) answers : json.createObjectNode(),
                payload.path("r").asInt(1));
    }

    private void forgetExpired(long now) {
        if (used.size() > 1000) {
            used.values().removeIf(expires -> expires < now);
        }
    }

    private String argumentsHash(JsonNode arguments) {
        try {
            String canonical = arguments == null || arguments.isNull() ? "{}" : json.writer()
                    .with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsString(json.treeToValue(arguments, Object.class));
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash arguments", e);
        }
    }

    private byte[] mac(String body) {
        return Hmac.sha256(key, body);
    }

    private static JsonRpcException refused(String why) {
        return new JsonRpcException(JsonRpcErrors.INVALID_PARAMS, "Invalid params: requestState refused: " + why);
    }
}
