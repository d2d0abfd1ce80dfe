package io.berth.controlplane.quotas;

import java.util.Optional;

/** Whether starting more tasks keeps an account within its quotas: a pure function of the limits and the use. */
public final class QuotaCheck
{
    private QuotaCheck() {}

    /**
     * Why count new tasks of cpuUnits each would take the account past a quota (the first one passed), or empty
     * when they fit. New tasks count as not STOPPED and as waiting: they wait for a host until placed.
     */
    public static Optional<String> refusal(AccountLimits limits, AccountUsage usage, int count, long cpuUnits)
    {
        if (limits.maxCpuUnits() != null && limits.maxCpuUnits() > 0 && usage.cpuUnits() + count * cpuUnits > limits.maxCpuUnits()) {
            return Optional.of("Quota exceeded: max-vcpu is " + AccountLimits.vcpu(limits.maxCpuUnits()) + " vCPU for this account; its tasks not STOPPED use "
                    + AccountLimits.vcpu(usage.cpuUnits()) + " vCPU and this request asks for " + AccountLimits.vcpu(count * cpuUnits)
                    + " more. Stop tasks or ask the operator to raise the quota.");
        }
        if (limits.maxTasks() != null && limits.maxTasks() > 0 && usage.tasks() + count > limits.maxTasks()) {
            return Optional.of("Quota exceeded: max-tasks is " + limits.maxTasks() + " for this account; it has " + usage.tasks()
                    + " tasks not STOPPED and this request asks for " + count + " more. Stop tasks or ask the operator to raise the quota.");
        }
        if (limits.maxWaiting() != null && limits.maxWaiting() > 0 && usage.waiting() + count > limits.maxWaiting()) {
            return Optional.of("Quota exceeded: max-waiting is " + limits.maxWaiting() + " for this account; it has " + usage.waiting()
                    + " tasks waiting for a host (PROVISIONING) and this request asks for " + count
                    + " more. Wait for them to be placed, stop some, or ask the operator to raise the quota.");
        }
        return Optional.empty();
    }
}
