package io.berth.controlplane.metering;

/**
 * When a family counts as oversized, and how much room a smaller size must leave.
 *
 * @param minimumSampledSeconds the family's tasks must have been watched this long in total, so advice
 * rests on more than a moment
 * @param maximumPeakMemoryShare the family's peak memory stays under this share of what it requests
 * @param maximumCpuUtilisation its average CPU use stays under this share of the vCPUs it requests
 * @param headroom the recommended size holds the observed peak memory and average CPU times this factor
 */
public record RightSizingPolicy(double minimumSampledSeconds, double maximumPeakMemoryShare, double maximumCpuUtilisation, double headroom)
{
    public static final RightSizingPolicy DEFAULT = new RightSizingPolicy(600, 0.5, 0.3, 1.25);

    public RightSizingPolicy
    {
        if (minimumSampledSeconds < 0 || maximumPeakMemoryShare <= 0 || maximumCpuUtilisation <= 0 || headroom < 1) {
            throw new IllegalArgumentException("invalid right-sizing policy");
        }
    }
}
