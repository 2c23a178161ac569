package dev.lakehouse.gateway.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * Cloud detection by host suffix (the SDKs' rule: unknown is AWS), account hosts per cloud, and host overrides. The
 * Environment is Spring's in-memory implementation (the embedded emulator's URL property), not a mock of a service.
 */
class WorkspaceCloudTest {

    @Test
    void theHostSuffixTellsTheCloudAndUnknownHostsAreAws() {
        assertThat(WorkspaceCloud.of("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com")).isEqualTo(WorkspaceCloud.AWS);
        assertThat(WorkspaceCloud.of("adb-1234567890123456.7.azuredatabricks.net")).isEqualTo(WorkspaceCloud.AZURE);
        assertThat(WorkspaceCloud.of("https://ADB-1.2.AzureDatabricks.net:443")).isEqualTo(WorkspaceCloud.AZURE);
        assertThat(WorkspaceCloud.of("https://adb-1.2.databricks.azure.cn")).isEqualTo(WorkspaceCloud.AZURE);
        assertThat(WorkspaceCloud.of("https://adb-1.2.databricks.azure.us")).isEqualTo(WorkspaceCloud.AZURE);
        assertThat(WorkspaceCloud.of("https://1234567890123456.7.gcp.databricks.com")).isEqualTo(WorkspaceCloud.GCP);
        // a look-alike is not a cloud host: the suffix must be the whole domain
        assertThat(WorkspaceCloud.of("https://evil-azuredatabricks.net.example.com")).isEqualTo(WorkspaceCloud.AWS);
        assertThat(WorkspaceCloud.of("https://notazuredatabricks.net")).isEqualTo(WorkspaceCloud.AWS);
        assertThat(WorkspaceCloud.of("http://127.0.0.1:8080")).isEqualTo(WorkspaceCloud.AWS);
        assertThat(WorkspaceCloud.of("emulator:acme")).isEqualTo(WorkspaceCloud.AWS);
        assertThat(WorkspaceCloud.of(null)).isEqualTo(WorkspaceCloud.AWS);
        assertThat(WorkspaceCloud.of("https://bad host")).isEqualTo(WorkspaceCloud.AWS);
        assertThat(WorkspaceCloud.GCP.wire()).isEqualTo("gcp");
    }

    @Test
    void eachCloudHasItsAccountHostAndSovereignCloudsAreNotGuessed() {
        assertThat(WorkspaceCloud.accountsHost("https://dbc-1.cloud.databricks.com")).isEqualTo("accounts.cloud.databricks.com");
        assertThat(WorkspaceCloud.accountsHost("https://adb-1.2.azuredatabricks.net")).isEqualTo("accounts.azuredatabricks.net");
        assertThat(WorkspaceCloud.accountsHost("https://1.2.gcp.databricks.com")).isEqualTo("accounts.gcp.databricks.com");
        assertThat(WorkspaceCloud.accountsHost("https://adb-1.2.databricks.azure.cn")).isNull();
    }

    @Test
    void anOverrideMovesRequestsButNotTheHostAndMalformedOverridesStopTheStart() {
        MockEnvironment environment = new MockEnvironment().withProperty("emulator.url.acme", "http://127.0.0.1:4321/");
        VaultHosts hosts = new VaultHosts(properties(List.of(
                "adb-1.2.azuredatabricks.net=emulator:acme",
                "https://1.2.gcp.databricks.com = https://proxy.internal:8443/ignored/path")), environment);
        String azure = hosts.normalize("adb-1.2.azuredatabricks.net");
        assertThat(azure).isEqualTo("https://adb-1.2.azuredatabricks.net");
        assertThat(hosts.baseUrl(azure)).isEqualTo("http://127.0.0.1:4321");
        assertThat(hosts.cloud(azure)).isEqualTo(WorkspaceCloud.AZURE);
        assertThat(hosts.baseUrl("https://1.2.gcp.databricks.com")).isEqualTo("https://proxy.internal:8443");
        assertThat(hosts.baseUrl("https://dbc-9.cloud.databricks.com")).as("no override: the host itself")
                .isEqualTo("https://dbc-9.cloud.databricks.com");
        assertThat(hosts.baseUrl("emulator:acme")).isEqualTo("http://127.0.0.1:4321");

        VaultHosts idle = new VaultHosts(properties(List.of("adb-3.4.azuredatabricks.net=emulator:stopped")), environment);
        assertThatThrownBy(() -> idle.baseUrl("https://adb-3.4.azuredatabricks.net"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not running");
        for (String bad : List.of("no-equals-sign", "=http://x", "adb-1.2.azuredatabricks.net=", "h=emulator:",
                "h=not a url", "h=relative/path")) {
            assertThatThrownBy(() -> new VaultHosts(properties(List.of(bad)), environment)).as(bad)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("host-overrides");
        }
    }

    private static VaultProperties properties(List<String> overrides) {
        return new VaultProperties(null, null, false, null, null, 0, null, null, null, null, null, null, null, null,
                null, null, null, 0, List.of("*.azuredatabricks.net", "*.gcp.databricks.com", "emulator:*"), null, overrides);
    }
}
