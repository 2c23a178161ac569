package dev.lakehouse.gateway.vault;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The vault's clock: the system's, unless a test supplies one it can move (hard expiries, warnings). */
@Configuration
public class VaultConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "vaultClock")
    public Clock vaultClock() {
        return Clock.systemUTC();
    }
}
