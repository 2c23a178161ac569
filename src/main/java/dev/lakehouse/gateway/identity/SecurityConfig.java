package dev.lakehouse.gateway.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.boot.autoconfigure.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.http.HttpMethod;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;
import org.springframework.security.task.DelegatingSecurityContextAsyncTaskExecutor;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Inbound authentication in front of platform-http (its routes are Spring MVC mappings, so Spring Security sees
 * them first). With {@code gateway.identity.issuers} set, /mcp needs a JWT of a trusted issuer whose audience is the
 * gateway's canonical MCP URL; signatures are checked against the issuer's JWKS, cached (keys keep working while
 * the issuer is down; an unknown key fails closed). Without issuers, /mcp is open for the default tenant and the
 * gateway refuses to listen beyond loopback.
 */
@Configuration
public class SecurityConfig {

    /** Paths open in every mode: RFC 9728 metadata and scoped MCP URLs (their token is the credential). */
    static final String[] PUBLIC = {"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/**",
            "/mcp/u/**"};

    /** The platform operator's realm role: the admin API and every actuator endpoint but the health status. */
    public static final String GATEWAY_ADMIN = "ROLE_gateway-admin";
    /** The realm role of a tenant's own admins: the admin API of the tenants (organizations) they belong to. */
    public static final String TENANT_ADMIN = "ROLE_tenant-admin";

    @Bean
    SecurityFilterChain gatewaySecurity(HttpSecurity http, IdentityProperties identity, McpAuthenticationEntryPoint entryPoint,
            @Value("${server.address:127.0.0.1}") String bindAddress) throws Exception {
        http.csrf(csrf -> csrf.disable())   // bearer tokens, no cookies: CSRF does not apply
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable());
        if (!identity.oauthEnabled()) {
            refuseNonLoopback(bindAddress);
            http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
            return http.build();
        }
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers(PUBLIC).permitAll()
                        // health answers everyone with its status; details and components need the role (properties)
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        .requestMatchers(EndpointRequest.toAnyEndpoint()).hasAuthority(GATEWAY_ADMIN)
                        .requestMatchers(HttpMethod.OPTIONS, "/**").permitAll()
                        // a tenant admin reaches only the per-tenant admin API; AdminAccess then limits it to its tenant
                        .requestMatchers("/admin/tenants/**").hasAnyAuthority(GATEWAY_ADMIN, TENANT_ADMIN)
                        .requestMatchers("/admin/**").hasAuthority(GATEWAY_ADMIN)
                        .anyRequest().authenticated())
                .oauth2ResourceServer(oauth -> oauth
                        .authenticationManagerResolver(issuerResolver(identity))
                        .authenticationEntryPoint(entryPoint))
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(entryPoint));
        return http.build();
    }

    /** Unauthenticated mode is for one machine only: say so rather than serving every tenant's data to a network. */
    static void refuseNonLoopback(String bindAddress) {
        boolean loopback;
        try {
            loopback = bindAddress != null && !bindAddress.isBlank() && InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalStateException("Refusing to listen on " + (bindAddress == null || bindAddress.isBlank()
                    ? "all interfaces" : bindAddress) + " without authentication: no OAuth issuer is configured "
                    + "(gateway.identity.issuers), so /mcp would be open to anyone who can reach it. Configure an issuer "
                    + "(e.g. your Keycloak realm) or bind to 127.0.0.1 (server.address).");
        }
    }

    /** One lazily built JWT decoder per trusted issuer: discovery and JWKS are fetched on first use and cached. */
    static AuthenticationManagerResolver<HttpServletRequest> issuerResolver(IdentityProperties identity) {
        Map<String, AuthenticationManager> managers = new ConcurrentHashMap<>();
        List<String> trusted = identity.issuers();
        return new JwtIssuerAuthenticationManagerResolver(issuer -> {
            if (!trusted.contains(issuer)) {
                return null;   // tokens of other issuers are refused
            }
            return managers.computeIfAbsent(issuer, i -> {
                NimbusJwtDecoder decoder;
                try {
                    // keys stay cached without expiry (they keep working while the issuer is down); a token signed
                    // with an unknown key makes the decoder fetch the set again, and fail closed if it cannot
                    decoder = NimbusJwtDecoder.withIssuerLocation(i).cache(new ConcurrentMapCache("jwks:" + i)).build();
                } catch (RuntimeException unreachable) {
                    throw new AuthenticationServiceException("the issuer's metadata cannot be fetched now");
                }
                OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                        aud -> aud != null && aud.contains(identity.resource()));
                decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtIssuerValidator(i),
                        new JwtTimestampValidator(identity.clockSkew()), audience));
                JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
                provider.setJwtAuthenticationConverter(new GatewayJwtConverter());
                return provider::authenticate;
            });
        });
    }

    /**
     * platform-http runs routes on Spring's task executor (a pool of platform threads on JDK 17; virtual threads on
     * JDK 21+); wrapping it carries the caller's SecurityContext into the route, where the identity step copies it
     * into exchange variables.
     */
    @Bean
    AsyncTaskExecutor mcpHttpPool(ThreadPoolTaskExecutorBuilder pools, SimpleAsyncTaskExecutorBuilder virtual,
            Environment environment) {
        if (Threading.VIRTUAL.isActive(environment)) {
            // JDK 21+ with spring.threads.virtual.enabled: a request, and the wait for its answer, costs no platform thread
            SimpleAsyncTaskExecutor executor = virtual.threadNamePrefix("mcp-http-").build();
            executor.setTaskTerminationTimeout(Duration.ofSeconds(5).toMillis());
            return executor;
        }
        ThreadPoolTaskExecutor pool = pools.build();
        pool.setAwaitTerminationMillis(Duration.ofSeconds(5).toMillis());
        return pool;
    }

    /**
     * No Micrometer observation around each of the security filters, authentications and authorizations: measured
     * under load (bench/run with JFR), it was the largest single cost of a tool call (a timer and tag set per filter
     * per request). The requests themselves stay observed (http.server.requests) and the gateway counts its own calls.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    DelegatingSecurityContextAsyncTaskExecutor mcpHttpExecutor(AsyncTaskExecutor mcpHttpPool) {
        return new DelegatingSecurityContextAsyncTaskExecutor(mcpHttpPool);
    }
}
