package io.berth.controlplane.metering;

import java.math.BigDecimal;

import static java.util.Objects.requireNonNull;

/**
 * A smaller Fargate size for a family that uses far less than it requests.
 *
 * @param peakMemoryMiB the highest memory any of the family's tasks held
 * @param cpuUtilisation the family's CPU seconds over the vCPU-seconds it ran with
 * @param monthlySavingPerTask what one task running all month (730 h) would save at the new size
 * @param monthlySavingAtCurrentUse the same for as many tasks as the family averaged while it ran
 */
public record Recommendation(
        String accountId,
        String family,
        int taskCount,
        int currentCpu,
        int currentMemory,
        int recommendedCpu,
        int recommendedMemory,
        double peakMemoryMiB,
        double cpuUtilisation,
        BigDecimal currentHourlyRate,
        BigDecimal recommendedHourlyRate,
        BigDecimal monthlySavingPerTask,
        BigDecimal monthlySavingAtCurrentUse)
{
    public Recommendation
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(family, "family is null");
        requireNonNull(currentHourlyRate, "currentHourlyRate is null");
        requireNonNull(recommendedHourlyRate, "recommendedHourlyRate is null");
        requireNonNull(monthlySavingPerTask, "monthlySavingPerTask is null");
        requireNonNull(monthlySavingAtCurrentUse, "monthlySavingAtCurrentUse is null");
    }
}
