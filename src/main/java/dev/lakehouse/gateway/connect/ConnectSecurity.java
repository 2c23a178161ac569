package dev.lakehouse.gateway.connect;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lakehouse.gateway.identity.IdentityProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The connect pages are for people, not agents: a session-based OIDC login at Keycloak (client
 * {@code gateway.connect.client-id}), CSRF tokens on every form, and nothing of the bearer-token chain of /mcp and
 * the admin API. Without OAuth (loopback quick start) the pages are open to the local user, CSRF still on.
 */
@Configuration
public class ConnectSecurity {

    /** The paths of this chain: the pages and Spring Security's OIDC login endpoints. */
    static final String[] PATHS = {"/connect", "/connect/**", "/oauth2/authorization/**", "/login/oauth2/code/**"};
    static final String REGISTRATION = "keycloak";

    @Bean
    @Order(1)
    SecurityFilterChain connectPagesSecurity(HttpSecurity http, IdentityProperties identity, ConnectProperties properties)
            throws Exception {
        http.securityMatcher(PATHS)
                .headers(h -> h.frameOptions(f -> f.deny()))
                .requestCache(cache -> { })
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable());
        if (!identity.oauthEnabled()) {
            http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
            return http.build();
        }
        http.authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .oauth2Login(login -> login.clientRegistrationRepository(keycloakLogin(identity, properties)));
        return http.build();
    }

    /**
     * The Keycloak client of the pages, read from the first trusted issuer's discovery document when first needed
     * (the gateway starts while Keycloak is still starting).
     */
    static ClientRegistrationRepository keycloakLogin(IdentityProperties identity, ConnectProperties properties) {
        Map<String, ClientRegistration> resolved = new ConcurrentHashMap<>();
        List<String> issuers = identity.issuers();
        return registrationId -> !REGISTRATION.equals(registrationId) || issuers.isEmpty() ? null
                : resolved.computeIfAbsent(registrationId, id -> ClientRegistrations.fromIssuerLocation(issuers.get(0))
                        .registrationId(REGISTRATION)
                        .clientId(properties.clientId())
                        .clientSecret(properties.clientSecret())
                        .scope("openid", "profile", "organization")
                        .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                        .build());
    }
}
