package dev.lakehouse.emulator.cloud;

import java.util.Locale;

/**
 * Which cloud a workspace pretends to run on, and what of it clients can see: the public host name (the audience
 * of GCP ID tokens) and, on Azure, the Entra tenant and the workspace's ARM resource id.
 */
public record CloudProfile(Cloud cloud, String host, String azureTenantId, String azureResourceId) {

    public enum Cloud {
        AWS, AZURE, GCP;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Today's behaviour: Databricks on AWS, no cloud identities. */
    public static final CloudProfile AWS = new CloudProfile(Cloud.AWS, null, null, null);
}
