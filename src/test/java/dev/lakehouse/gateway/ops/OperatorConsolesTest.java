package dev.lakehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.console.DevConsole;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The console allow-list: unsafe consoles only through their own property, unknown ones never. */
class OperatorConsolesTest {

    @Test
    void anUnsafeConsoleAmongTheReadOnlyOnesStopsStartupWithTheReason() {
        assertThatThrownBy(() -> OperatorConsoles.allowList(List.of("route", "debug"), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'debug'").hasMessageContaining("gateway.ops.unsafe-consoles");
        assertThatThrownBy(() -> OperatorConsoles.allowList(List.of(" system-properties "), List.of()))
                .hasMessageContaining("'system-properties'");
    }

    @Test
    void theUnsafePropertyAddsConsolesAndBlanksAreIgnored() {
        assertThat(OperatorConsoles.allowList(List.of("route", " ", "jvm "), List.of()))
                .containsExactlyInAnyOrder("route", "jvm");
        assertThat(OperatorConsoles.allowList(List.of("route"), List.of("debug", "")))
                .containsExactlyInAnyOrder("route", "debug");
        assertThat(OperatorConsoles.allowList(List.of(), List.of())).isEmpty();
    }

    @Test
    void theRegistryLoadsTheAllowedConsolesByIdAndRefusesOthers() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OperatorConsoles.AllowListRegistry registry =
                    new OperatorConsoles.AllowListRegistry(context, Set.of("context", "system-properties"));
            registry.loadDevConsoles();
            assertThat(registry.stream().map(DevConsole::getId)).containsExactlyInAnyOrder("context", "system-properties");
            assertThat(registry.resolveById("debug")).isNull();
            assertThat(registry.resolveById("send")).isNull();
            // explicitly enabled, the unsafe console works (what gateway.ops.unsafe-consoles is for)
            Object properties = registry.resolveById("system-properties").call(DevConsole.MediaType.JSON, Map.of());
            assertThat(properties.toString()).contains("java.version");
        }
    }
}
