package dev.lakehouse.gateway.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus over Redis (Lettuce, one command connection and one subscription per replica, both reconnecting by
 * themselves). A live session is one key {@code gw:session:<hash>} whose TTL is the idle timeout; a replica
 * refreshes it at most every quarter of that. Directed messages go to channel {@code gw:replica:<id>}, cancellations
 * and server-initiated messages for a session's GET stream to {@code gw:all}; pub/sub relays and never stores, so
 * the events of a stream resumed on another replica pass through Redis and are gone. When Redis does not answer
 * within {@code gateway.cluster.redis-timeout}, a session this replica does not hold is taken as alive or not per
 * {@code gateway.cluster.sessions-fail-open} (its id is signed either way), and messages are lost (the waiting call
 * times out as it would without an answer; a resumed stream ends and the client resumes again); a warning says so.
 */
public final class RedisBus implements ClusterBus, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBus.class);
    static final String BROADCAST = "gw:all";
    static final String SESSION_PREFIX = "gw:session:";

    private final String replicaId;
    private final boolean failOpen;
    private final RedisClient client;
    private final String where;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;
    private volatile boolean closed;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong lastWarning = new AtomicLong();
    private volatile Listener listener;

    public RedisBus(String redisUrl, String replicaId, Duration timeout, boolean failOpen) {
        this.replicaId = replicaId;
        this.failOpen = failOpen;
        RedisURI uri = RedisURI.create(redisUrl);
        this.client = RedisClients.create(uri, timeout);
        this.where = uri.getHost() + ":" + uri.getPort();
        // a gateway starts without Redis too: it keeps trying, and serves meanwhile as the fallback says
        RedisClients.keepConnecting("cluster-redis-connector", this::connect, () -> commands != null || closed,
                e -> warn("not reachable yet at " + where + "; retrying every second", e));
    }

    private void connect() {
        StatefulRedisConnection<String, String> connection = client.connect();
        StatefulRedisPubSubConnection<String, String> pubSub;
        try {
            pubSub = client.connectPubSub();
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    receive(message);
                }
            });
            pubSub.sync().subscribe(BROADCAST, channelOf(replicaId));
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        this.subscription = pubSub;
        this.commands = connection;
        LOG.info("replica {} shares session liveness and call messages through Redis {}", replicaId, where);
    }

    /** The command connection, or an exception the callers' fallbacks handle while Redis was never reached. */
    private StatefulRedisConnection<String, String> commands() {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null) {
            throw new IllegalStateException("Redis " + where + " not connected yet");
        }
        return connection;
    }

    static String channelOf(String replicaId) {
        return "gw:replica:" + replicaId;
    }

    /** Keys name a hash of the session id: ids are long, and a key listing shows no usable id. */
    static String sessionKey(String sessionId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
            return SESSION_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether Redis was reached (subscribed, commands possible); Lettuce reconnects by itself afterwards. */
    public boolean connected() {
        StatefulRedisConnection<String, String> connection = commands;
        return connection != null && connection.isOpen();
    }

    @Override
    public String replicaId() {
        return replicaId;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void sessionStarted(String sessionId, long idleSeconds) {
        try {
            commands().sync().set(sessionKey(sessionId), "1", SetArgs.Builder.ex(idleSeconds));
        } catch (RuntimeException e) {
            warn("could not record a new session", e);
        }
    }

    @Override
    public void sessionTouched(String sessionId, long idleSeconds) {
        // fire and forget: a refresh that fails only shortens the session's life on other replicas
        try {
            commands().async().expire(sessionKey(sessionId), idleSeconds);
        } catch (RuntimeException e) {
            warn("could not refresh a session", e);
        }
    }

    @Override
    public boolean sessionAlive(String sessionId) {
        try {
            return commands().sync().exists(sessionKey(sessionId)) > 0;
        } catch (RuntimeException e) {
            warn("could not check a session; taking it as " + (failOpen ? "alive" : "ended"), e);
            return failOpen;
        }
    }

    @Override
    public void sessionEnded(String sessionId) {
        try {
            commands().sync().del(sessionKey(sessionId));
            publish(BROADCAST, message("ended", sessionId));
        } catch (RuntimeException e) {
            warn("could not end a session on the other replicas", e);
        }
    }

    @Override
    public void deliverClientResponse(String targetReplica, String sessionId, String requestId, JsonNode response) {
        ObjectNode message = message("response", sessionId);
        message.put("request", requestId);
        message.set("response", response);
        publish(channelOf(targetReplica), message);
    }

    @Override
    public void broadcastCancel(String sessionId, JsonNode requestId) {
        ObjectNode message = message("cancel", sessionId);
        message.set("request", requestId);
        publish(BROADCAST, message);
    }

    @Override
    public void broadcastToSession(String sessionId, String text) {
        ObjectNode message = message("notify", sessionId);
        message.put("message", text);
        publish(BROADCAST, message);
    }

    @Override
    public void askForStream(String holderReplica, String sessionId, String streamId, long afterSeq) {
        ObjectNode message = message("resume", sessionId);
        message.put("stream", streamId);
        message.put("after", afterSeq);
        publish(channelOf(holderReplica), message);
    }

    @Override
    public void sendStreamPart(String toReplica, String sessionId, String streamId, StreamPart part) {
        ObjectNode message = message("part", sessionId);
        message.put("stream", streamId);
        message.put("kind", part.kind().name());
        message.put("seq", part.seq());
        if (part.json() != null) {
            message.put("json", part.json());
        }
        publish(channelOf(toReplica), message);
    }

    @Override
    public boolean firstUse(String key, long ttlSeconds) {
        try {
            return "OK".equals(commands().sync().set("gw:used:" + key, "1", SetArgs.Builder.nx().ex(Math.max(1, ttlSeconds))));
        } catch (RuntimeException e) {
            warn("could not check a single use across replicas; this replica's own check applies", e);
            return true;
        }
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
    }

    private ObjectNode message(String type, String sessionId) {
        ObjectNode message = json.createObjectNode();
        message.put("type", type);
        message.put("from", replicaId);
        message.put("session", sessionId);
        return message;
    }

    private void publish(String channel, ObjectNode message) {
        try {
            commands().sync().publish(channel, message.toString());
        } catch (RuntimeException e) {
            warn("could not send a " + message.path("type").asText() + " message to " + channel, e);
        }
    }

    private void receive(String raw) {
        Listener target = listener;
        try {
            JsonNode message = json.readTree(raw);
            if (target == null || replicaId.equals(message.path("from").asText())) {
                return;
            }
            String session = message.path("session").asText();
            switch (message.path("type").asText()) {
                case "ended" -> target.sessionEnded(session);
                case "response" -> target.clientResponse(session, message.path("request").asText(), message.path("response"));
                case "cancel" -> target.cancel(session, message.path("request"));
                case "notify" -> target.sessionMessage(session, message.path("message").asText());
                case "resume" -> target.streamAsked(message.path("from").asText(), session,
                        message.path("stream").asText(), message.path("after").asLong());
                case "part" -> target.streamPart(session, message.path("stream").asText(), new StreamPart(
                        StreamPart.Kind.valueOf(message.path("kind").asText()), message.path("seq").asLong(),
                        message.hasNonNull("json") ? message.path("json").asText() : null));
                default -> LOG.debug("ignored a cluster message of type {}", message.path("type").asText());
            }
        } catch (Exception e) {
            LOG.warn("ignored an unreadable cluster message: {}", e.toString());
        }
    }

    /** At most one warning per 10 s: a Redis outage must be visible without flooding the log. */
    private void warn(String what, RuntimeException e) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last > 10_000_000_000L && lastWarning.compareAndSet(last, now)) {
            LOG.warn("Redis: {} ({})", what, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (subscription != null) {
            subscription.close();
        }
        if (commands != null) {
            commands.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
