package dev.lakehouse.gateway.identity;

import java.util.Set;

import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Step 2 of the pipeline: decides who is calling and for which tenant, and copies that into exchange variables
 * ({@code tenant}, {@code subject}, {@code scopes}, {@code caller}). Every later step reads only those variables.
 * Until OAuth is configured, every caller is the anonymous agent of the configured default tenant.
 */
@Component("callerIdentity")
public class CallerIdentity {

    private final String defaultTenant;

    public CallerIdentity(@Value("${gateway.identity.default-tenant}") String defaultTenant) {
        this.defaultTenant = defaultTenant;
    }

    public void capture(Exchange exchange) {
        String tenant = defaultTenant;
        String subject = "anonymous";
        exchange.setVariable("tenant", tenant);
        exchange.setVariable("subject", subject);
        exchange.setVariable("scopes", Set.of());
        exchange.setVariable("caller", tenant + ":" + subject);
    }
}
