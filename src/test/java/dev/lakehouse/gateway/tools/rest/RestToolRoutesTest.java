package dev.lakehouse.gateway.tools.rest;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lakehouse.gateway.tenant.TenantConnections;
import dev.lakehouse.gateway.tenant.TenantProperties;
import dev.lakehouse.gateway.tools.ToolCatalog;
import dev.lakehouse.gateway.tools.ToolCatalogException;
import dev.lakehouse.gateway.tools.ToolPolicy;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/** A declaration's bean steps must exist before Camel starts: a misspelt bean or method names the tool and field. */
class RestToolRoutesTest {

    @TempDir
    Path dir;

    /** A bean with the one step the good declaration names. */
    public static class Shapes {
        public void tidy(org.apache.camel.Exchange exchange) {
            // a shape step that changes nothing
        }
    }

    private RestToolRoutes routes(String shape) throws IOException {
        Files.writeString(dir.resolve("t.yaml"), """
                tools:
                  - name: list_things
                    description: Lists things.
                    group: g
                    rest: {method: GET, path: /api/2.0/things, shape: %s}
                    inputSchema: {type: object}
                """.formatted(shape));
        ToolPolicy policy = new ToolPolicy(new TenantConnections(new TenantProperties(Map.of()), new MockEnvironment()),
                Duration.ofSeconds(1), true);
        ToolCatalog catalog = new ToolCatalog(List.of("file:" + dir + "/*.yaml"), 50, policy);
        StaticApplicationContext beans = new StaticApplicationContext();
        beans.registerSingleton("shapes", Shapes.class);
        return new RestToolRoutes(catalog, beans);
    }

    @Test
    void aStepNamingAnExistingBeanAndMethodPasses() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            assertThatCode(() -> routes("shapes.tidy").beforeApplicationStart(camel)).doesNotThrowAnyException();
        }
    }

    @Test
    void aMissingBeanOrMethodStopsStartupNamingTheField() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            assertThatThrownBy(() -> routes("shapez.tidy").beforeApplicationStart(camel))
                    .isInstanceOf(ToolCatalogException.class).hasMessageContaining("(list_things)")
                    .hasMessageContaining("'rest.shape'").hasMessageContaining("bean 'shapez'");
            assertThatThrownBy(() -> routes("shapes.tidyUp").beforeApplicationStart(camel))
                    .hasMessageContaining("method 'tidyUp'");
        }
    }
}
