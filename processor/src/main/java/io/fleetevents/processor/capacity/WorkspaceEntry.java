package io.fleetevents.processor.capacity;

/**
 * One workspace seen in a partition. The agents of a workspace hash to different partitions, so workspaces and
 * their builds are counted by id after combining the partitions, never by summing per-partition counts.
 *
 * @param workspaceId    workspace UUID (the key's prefix)
 * @param organization   organization name; may be null
 * @param template       template name; may be null
 * @param buildPending   its latest build waits for a provisioner
 * @param noProvisioner  Coder reports no available provisioner for that build
 * @param prebuild       an unclaimed prebuilt workspace, counted apart
 */
public record WorkspaceEntry(String workspaceId, String organization, String template, boolean buildPending,
                             boolean noProvisioner, boolean prebuild) {

    /** A workspace that is not an unclaimed prebuild. */
    public WorkspaceEntry(String workspaceId, String organization, String template, boolean buildPending,
                          boolean noProvisioner) {
        this(workspaceId, organization, template, buildPending, noProvisioner, false);
    }
}
