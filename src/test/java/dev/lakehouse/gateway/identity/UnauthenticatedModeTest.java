package dev.lakehouse.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

import dev.lakehouse.gateway.GatewayApplication;

/** Without an OAuth issuer the gateway serves loopback only, and says why when asked for more. */
class UnauthenticatedModeTest {

    @Test
    void loopbackAddressesAreAccepted() {
        for (String address : List.of("127.0.0.1", "localhost", "::1")) {
            assertThatCode(() -> SecurityConfig.refuseNonLoopback(address)).as(address).doesNotThrowAnyException();
        }
    }

    @Test
    void anyOtherAddressIsRefusedWithTheReason() {
        for (String address : List.of("0.0.0.0", "", "192.0.2.10", "::")) {
            assertThatThrownBy(() -> SecurityConfig.refuseNonLoopback(address)).as(address)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("without authentication").hasMessageContaining("gateway.identity.issuers");
        }
    }

    @Test
    void theApplicationDoesNotStartOnAllInterfacesWithoutAnIssuer() {
        SpringApplicationBuilder app = new SpringApplicationBuilder(GatewayApplication.class);
        assertThatThrownBy(() -> app.run("--server.address=0.0.0.0", "--server.port=0", "--emulator.embedded=false",
                "--spring.datasource.url=jdbc:h2:mem:refused-bind").close())
                .hasStackTraceContaining("Refusing to listen on 0.0.0.0 without authentication");
    }

    @Test
    void theOrganizationClaimIsReadInEveryFormKeycloakEmits() {
        assertThat(CallerIdentity.tenants(List.of("acme"))).containsExactly("acme");
        assertThat(CallerIdentity.tenants(Map.of("acme", Map.of("id", "42")))).containsExactly("acme");
        assertThat(CallerIdentity.tenants("globex")).containsExactly("globex");
        assertThat(CallerIdentity.tenants(null)).isEmpty();
    }
}
