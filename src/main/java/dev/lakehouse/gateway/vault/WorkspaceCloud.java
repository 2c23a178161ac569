package dev.lakehouse.gateway.vault;

import java.net.URI;
import java.util.Locale;

/**
 * The cloud a Databricks workspace runs on, told by its host name the way the official SDKs tell it (host suffix;
 * anything else, loopback and the emulator included, is AWS), and the account console host of that cloud. The cloud
 * decides which identity services a connection may use (Entra ID on Azure, Google service accounts on GCP).
 */
public enum WorkspaceCloud {

    AWS("accounts.cloud.databricks.com"),
    AZURE("accounts.azuredatabricks.net"),
    GCP("accounts.gcp.databricks.com");

    /** Azure's sovereign clouds have their own workspace suffixes (China, US Government), as in the SDKs' Azure environments. */
    private static final String AZURE_CHINA = ".databricks.azure.cn";
    private static final String AZURE_US_GOV = ".databricks.azure.us";

    private final String accountsHost;

    WorkspaceCloud(String accountsHost) {
        this.accountsHost = accountsHost;
    }

    /** The cloud of a workspace host (a URL or a bare host name); null or unparsable counts as AWS, as in the SDKs. */
    public static WorkspaceCloud of(String host) {
        String name = hostName(host);
        if (name.endsWith(".azuredatabricks.net") || name.endsWith(AZURE_CHINA) || name.endsWith(AZURE_US_GOV)) {
            return AZURE;
        }
        if (name.endsWith(".gcp.databricks.com")) {
            return GCP;
        }
        return AWS;
    }

    /**
     * The account console host for a workspace host, or null for Azure's sovereign clouds (China, US Government),
     * whose account hosts the gateway does not guess.
     */
    public static String accountsHost(String host) {
        String name = hostName(host);
        return name.endsWith(AZURE_CHINA) || name.endsWith(AZURE_US_GOV) ? null : of(host).accountsHost;
    }

    /** The lower-case wire name ({@code aws}, {@code azure}, {@code gcp}), as Databricks host metadata spells it. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static String hostName(String host) {
        if (host == null || host.isBlank()) {
            return "";
        }
        String url = host.trim().contains("://") ? host.trim() : "https://" + host.trim();
        try {
            String name = URI.create(url).getHost();
            return name == null ? "" : name.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
