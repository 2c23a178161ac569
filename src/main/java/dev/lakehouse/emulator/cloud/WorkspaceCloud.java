package dev.lakehouse.emulator.cloud;

/** The current cloud profile of one workspace; the admin API swaps it at runtime, requests read one snapshot. */
public final class WorkspaceCloud {

    private volatile CloudProfile profile = CloudProfile.AWS;

    public CloudProfile profile() {
        return profile;
    }

    public void set(CloudProfile profile) {
        this.profile = profile;
    }

    public void reset() {
        this.profile = CloudProfile.AWS;
    }
}
