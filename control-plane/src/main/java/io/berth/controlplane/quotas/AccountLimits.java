package io.berth.controlplane.quotas;

/**
 * An account's quotas. Each field is null when not set (the account then has the server's default for it);
 * 0 means unlimited. vCPU is held in CPU units (1024 per vCPU), as tasks hold it.
 *
 * @param maxCpuUnits the most requested CPU units the account's tasks not STOPPED may hold together
 * @param maxTasks the most tasks not STOPPED
 * @param maxWaiting the most tasks waiting for a host (PROVISIONING)
 * @param requestsPerSecond the sustained API request rate (a token bucket of that many tokens, refilled at that rate)
 */
public record AccountLimits(Long maxCpuUnits, Long maxTasks, Long maxWaiting, Double requestsPerSecond)
{
    public static final int CPU_UNITS_PER_VCPU = 1024;
    /** No quota at all: the default when the operator configures none. */
    public static final AccountLimits UNLIMITED = new AccountLimits(0L, 0L, 0L, 0.0);
    public static final AccountLimits NONE_SET = new AccountLimits(null, null, null, null);

    public AccountLimits
    {
        requireNotNegative("maxVcpu", maxCpuUnits);
        requireNotNegative("maxTasks", maxTasks);
        requireNotNegative("maxWaiting", maxWaiting);
        if (requestsPerSecond != null && (requestsPerSecond.isNaN() || requestsPerSecond.isInfinite() || requestsPerSecond < 0)) {
            throw new IllegalArgumentException("rate must be a number of requests per second >= 0 (0 for unlimited), got " + requestsPerSecond);
        }
    }

    /** These limits with each field not set here taken from defaults. */
    public AccountLimits orElse(AccountLimits defaults)
    {
        return new AccountLimits(
                maxCpuUnits != null ? maxCpuUnits : defaults.maxCpuUnits,
                maxTasks != null ? maxTasks : defaults.maxTasks,
                maxWaiting != null ? maxWaiting : defaults.maxWaiting,
                requestsPerSecond != null ? requestsPerSecond : defaults.requestsPerSecond);
    }

    /** CPU units from a vCPU count (0.25 steps and up). */
    public static long cpuUnits(double vcpu)
    {
        if (vcpu < 0 || Double.isNaN(vcpu) || Double.isInfinite(vcpu)) {
            throw new IllegalArgumentException("maxVcpu must be a number of vCPU >= 0 (0 for unlimited), got " + vcpu);
        }
        return Math.round(vcpu * CPU_UNITS_PER_VCPU);
    }

    /** vCPU from CPU units, as people write it (2, 0.25). */
    public static String vcpu(long cpuUnits)
    {
        return java.math.BigDecimal.valueOf(cpuUnits).divide(java.math.BigDecimal.valueOf(CPU_UNITS_PER_VCPU)).stripTrailingZeros().toPlainString();
    }

    private static void requireNotNegative(String field, Long value)
    {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0 (0 for unlimited), got " + value);
        }
    }
}
