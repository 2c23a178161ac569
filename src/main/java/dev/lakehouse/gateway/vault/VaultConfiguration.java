package dev.lakehouse.gateway.vault;

import java.time.Clock;

import dev.lakehouse.gateway.vault.webhook.WebhookOutbox;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The vault's clock, and where its events go. */
@Configuration
public class VaultConfiguration {

    /** The system's clock, unless a test supplies one it can move (hard expiries, warnings). */
    @Bean
    @ConditionalOnMissingBean(name = "vaultClock")
    public Clock vaultClock() {
        return Clock.systemUTC();
    }

    /** Every recorded connection event is queued for the tenant's webhook, in the transaction that records it. */
    @Bean
    public SmartInitializingSingleton eventsToWebhooks(ConnectionEvents events, WebhookOutbox outbox) {
        return () -> events.listen(outbox::enqueue);
    }
}
