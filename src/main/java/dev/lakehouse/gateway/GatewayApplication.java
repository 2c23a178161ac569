package dev.lakehouse.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Databricks MCP gateway: MCP over Streamable HTTP, implemented as Camel routes in {@code routes/}. */
@SpringBootApplication(scanBasePackages = "dev.lakehouse")
@ConfigurationPropertiesScan("dev.lakehouse")
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
