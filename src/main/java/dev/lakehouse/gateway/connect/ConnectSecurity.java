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
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The connect pages are for people, not agents: a session-based OIDC login at Keycloak (client
 * {@code gateway.connect.client-id}), CSRF tokens on every form, and nothing of the bearer-token chain of /mcp and
 * the admin API. Without OAuth (loopback quick start) the pages are open to the local user, CSRF still on.
 */
@Configuration
public class ConnectSecurity {

    /** The paths of this chain: the pages and Spring Security's OIDC login endpoints. */
    static final String[] PATHS = {"/connect", "/connect/**", "/oauth2/authorization/**", "/login/oauth2/code/**", "/login"};
    static final String REGISTRATION = "keycloak";
    static final String SIGN_IN_FAILED = "/connect/sign-in-failed";

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
        ClientRegistrationRepository registrations = keycloakLogin(identity, properties);
        DefaultOAuth2AuthorizationRequestResolver pkce = new DefaultOAuth2AuthorizationRequestResolver(registrations,
                "/oauth2/authorization");
        pkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.authorizeHttpRequests(auth -> auth.requestMatchers(SIGN_IN_FAILED).permitAll().anyRequest().authenticated())
                .oauth2Login(login -> login.clientRegistrationRepository(registrations)
                        // PKCE for this confidential client too (the realm requires S256)
                        .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(pkce))
                        // straight to Keycloak: there is one identity provider, no chooser page
                        .loginPage("/oauth2/authorization/" + REGISTRATION)
                        // a refused sign-in ends on a page that says so (never a redirect loop back to Keycloak)
                        .failureUrl(SIGN_IN_FAILED));
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
