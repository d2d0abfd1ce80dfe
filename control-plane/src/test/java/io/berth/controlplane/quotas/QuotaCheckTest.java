package io.berth.controlplane.quotas;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuotaCheckTest
{
    private static final AccountUsage IDLE = new AccountUsage(0, 0, 0);

    @Test
    void unlimitedAcceptsAnything()
    {
        assertThat(QuotaCheck.refusal(AccountLimits.UNLIMITED, new AccountUsage(1_000_000, 10_000, 10_000), 10, 16384)).isEmpty();
    }

    @Test
    void vcpuCountsTheRequestedCpuOfTasksNotStopped()
    {
        AccountLimits limits = new AccountLimits(AccountLimits.cpuUnits(2), 0L, 0L, 0.0);
        assertThat(QuotaCheck.refusal(limits, new AccountUsage(1024, 1, 0), 4, 256)).isEmpty();
        assertThat(QuotaCheck.refusal(limits, new AccountUsage(1024, 1, 0), 5, 256)).hasValue(
                "Quota exceeded: max-vcpu is 2 vCPU for this account; its tasks not STOPPED use 1 vCPU and this request asks for 1.25 more."
                        + " Stop tasks or ask the operator to raise the quota.");
    }

    @Test
    void tasksCountsTasksNotStopped()
    {
        AccountLimits limits = new AccountLimits(0L, 3L, 0L, 0.0);
        assertThat(QuotaCheck.refusal(limits, new AccountUsage(512, 2, 0), 1, 256)).isEmpty();
        assertThat(QuotaCheck.refusal(limits, new AccountUsage(512, 2, 0), 2, 256)).hasValueSatisfying(message ->
                assertThat(message).startsWith("Quota exceeded: max-tasks is 3 for this account; it has 2 tasks not STOPPED and this request asks for 2 more."));
    }

    @Test
    void waitingCountsProvisioningTasksAndTheNewOnes()
    {
        AccountLimits limits = new AccountLimits(0L, 0L, 5L, 0.0);
        assertThat(QuotaCheck.refusal(limits, new AccountUsage(0, 9, 4), 1, 256)).isEmpty();
        assertThat(QuotaCheck.refusal(limits, new AccountUsage(0, 9, 4), 2, 256)).hasValueSatisfying(message ->
                assertThat(message).startsWith("Quota exceeded: max-waiting is 5 for this account; it has 4 tasks waiting for a host (PROVISIONING)"));
    }

    @Test
    void accountValuesOverrideDefaultsAndZeroMeansUnlimited()
    {
        AccountLimits defaults = new AccountLimits(AccountLimits.cpuUnits(4), 10L, 5L, 20.0);
        AccountLimits own = new AccountLimits(null, 0L, null, 2.5);
        assertThat(own.orElse(defaults)).isEqualTo(new AccountLimits(4096L, 0L, 5L, 2.5));
        assertThat(QuotaCheck.refusal(own.orElse(defaults), new AccountUsage(0, 500, 0), 1, 256)).isEmpty();
        assertThat(QuotaCheck.refusal(own.orElse(defaults), IDLE, 1, 8192)).isPresent();
    }

    @Test
    void refusesNegativeLimitsNamingTheField()
    {
        assertThatThrownBy(() -> new AccountLimits(null, -1L, null, null)).hasMessageStartingWith("maxTasks must be >= 0");
        assertThatThrownBy(() -> new AccountLimits(null, null, null, -0.5)).hasMessageStartingWith("rate must be");
        assertThatThrownBy(() -> AccountLimits.cpuUnits(-1)).hasMessageStartingWith("maxVcpu must be");
    }
}
