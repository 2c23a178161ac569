package dev.lakehouse.gateway.ops;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.impl.console.DefaultDevConsoleRegistry;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which Camel developer consoles exist behind {@code /actuator/camel}: an allow-list, not Camel's classpath scan.
 * Consoles that can act (send, debug, evaluate expressions) or show message content, variables, beans or
 * configuration (which may hold secrets) are {@link #UNSAFE}: they exist only when named in
 * {@code gateway.ops.unsafe-consoles}, a property documented as unsafe for production. A console that a newer Camel
 * adds is off until someone lists it.
 */
@Component
public class OperatorConsoles implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorConsoles.class);

    /** Consoles that act on the running system, or read message bodies, variables, beans, properties or the JVM's. */
    public static final Set<String> UNSAFE = Set.of("debug", "eval-language", "simple-language", "browse", "send",
            "receive", "trace", "message-history", "variables", "bean", "properties", "system-properties",
            "java-security");

    private final Set<String> enabled;

    public OperatorConsoles(@Value("${gateway.ops.consoles:}") List<String> readOnly,
            @Value("${gateway.ops.unsafe-consoles:}") List<String> unsafe) {
        this.enabled = allowList(readOnly, unsafe);
    }

    /** The consoles to register; an unsafe console listed among the read-only ones stops startup with the reason. */
    static Set<String> allowList(List<String> readOnly, List<String> unsafe) {
        Set<String> ids = new TreeSet<>();
        for (String id : readOnly) {
            String console = id.trim();
            if (UNSAFE.contains(console)) {
                throw new IllegalStateException("Camel console '" + console + "' can act or show message content or "
                        + "secrets: it cannot be listed in gateway.ops.consoles; name it in gateway.ops.unsafe-consoles "
                        + "if you accept that risk (never in production)");
            }
            if (!console.isEmpty()) {
                ids.add(console);
            }
        }
        unsafe.stream().map(String::trim).filter(id -> !id.isEmpty()).forEach(ids::add);
        return Set.copyOf(ids);
    }

    public Set<String> enabled() {
        return enabled;
    }

    /**
     * Replaces Camel's console registry before the context initialises, so the classpath scan never runs and the
     * actuator endpoint (which looks the registry up on every call) sees only the allowed consoles.
     */
    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        camelContext.getCamelContextExtension().addContextPlugin(DevConsoleRegistry.class,
                new AllowListRegistry(camelContext, enabled));
        Set<String> unsafeOn = new TreeSet<>(enabled);
        unsafeOn.retainAll(UNSAFE);
        if (!unsafeOn.isEmpty()) {
            LOG.warn("Unsafe Camel consoles enabled (gateway.ops.unsafe-consoles): {}. They can act on the gateway or "
                    + "show message content and secrets to anyone with the gateway-admin role", unsafeOn);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        // nothing to do once started
    }

    /** Camel's registry, limited to an allow-list, loading consoles by id instead of scanning every jar. */
    static final class AllowListRegistry extends DefaultDevConsoleRegistry {
        private final Set<String> allowed;

        AllowListRegistry(CamelContext camelContext, Set<String> allowed) {
            super(camelContext);
            this.allowed = allowed;
        }

        @Override
        public boolean register(DevConsole console) {
            return allowed.contains(console.getId()) && super.register(console);
        }

        @Override
        public DevConsole resolveById(String id) {
            return allowed.contains(id) ? super.resolveById(id) : null;
        }

        /** Camel's own consoles by id, and the gateway's (Spring beans named after their id, e.g. rate-limits). */
        @Override
        public void loadDevConsoles(boolean force) {
            for (String id : allowed) {
                DevConsole console = resolveById(id);
                if (console != null) {
                    register(console);   // one found in the bean registry is returned, not registered, by Camel
                }
            }
        }
    }
}
