package dev.lakehouse.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Databricks MCP gateway: MCP over Streamable HTTP, implemented as Camel routes in {@code routes/}. */
@SpringBootApplication(scanBasePackages = "dev.lakehouse")
@ConfigurationPropertiesScan("dev.lakehouse")
public class GatewayApplication {

    public static void main(String[] args) {
        useVirtualThreadsWhereTheRuntimeHasThem();
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * On JDK 21+, Camel's thread pools (the MCP call workers, the continuation pool) run virtual threads, unless
     * GATEWAY_VIRTUAL_THREADS=false. Camel reads this system property once, before its first pool: hence here, not
     * in application.properties (where spring.threads.virtual.enabled does the same for Tomcat and the HTTP pool).
     */
    static void useVirtualThreadsWhereTheRuntimeHasThem() {
        boolean wanted = !"false".equalsIgnoreCase(System.getenv("GATEWAY_VIRTUAL_THREADS"));
        if (wanted && Runtime.version().feature() >= 21 && System.getProperty("camel.threads.virtual.enabled") == null) {
            System.setProperty("camel.threads.virtual.enabled", "true");
        }
    }
}
