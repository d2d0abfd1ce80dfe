package io.berth.controlplane.quotas;

/**
 * What counts against an account's quotas right now.
 *
 * @param cpuUnits requested CPU units of its tasks not STOPPED
 * @param tasks its tasks not STOPPED
 * @param waiting its tasks waiting for a host (PROVISIONING)
 */
public record AccountUsage(long cpuUnits, long tasks, long waiting)
{
    public AccountUsage
    {
        if (cpuUnits < 0 || tasks < 0 || waiting < 0) {
            throw new IllegalArgumentException("usage cannot be negative");
        }
    }
}
