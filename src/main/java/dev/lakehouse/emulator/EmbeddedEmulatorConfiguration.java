package dev.lakehouse.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the workspace emulator inside the Spring Boot application when {@code emulator.embedded=true}
 * (for local development and tests). The emulator starts while the context is refreshed, so its
 * URLs are known early, and stops when the context closes. The URLs are also published as
 * properties {@code emulator.url.<workspace>}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "emulator.embedded", havingValue = "true")
@EnableConfigurationProperties(EmulatorProperties.class)
public class EmbeddedEmulatorConfiguration {

    @Bean(destroyMethod = "close")
    public EmulatorServer emulatorServer(EmulatorProperties properties, ConfigurableEnvironment environment) {
        EmulatorServer server = new EmulatorServer(properties).start();
        Map<String, Object> urls = new LinkedHashMap<>();
        server.workspaceUrls().forEach((name, url) -> urls.put("emulator.url." + name, url));
        environment.getPropertySources().addFirst(new MapPropertySource("emulatorWorkspaceUrls", urls));
        return server;
    }
}
