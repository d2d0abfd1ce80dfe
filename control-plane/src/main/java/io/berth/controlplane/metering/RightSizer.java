package io.berth.controlplane.metering;

import io.berth.controlplane.taskdefinitions.FargateTaskSizes;
import io.berth.controlplane.taskdefinitions.TaskSize;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Finds task families that use well under what they request and names the cheapest valid Fargate size that
 * would have held them with headroom. A family is judged at its latest size (the size of its most recent
 * task), over the tasks of that size: peak memory is the highest any held; CPU is the average over the
 * time they were watched (the agent reports cumulative CPU time, not its peaks).
 */
public final class RightSizer
{
    static final BigDecimal HOURS_PER_MONTH = BigDecimal.valueOf(730);

    private final RightSizingPolicy policy;
    private final PriceList prices;

    public RightSizer(RightSizingPolicy policy, PriceList prices)
    {
        this.policy = requireNonNull(policy, "policy is null");
        this.prices = requireNonNull(prices, "prices is null");
    }

    /** Recommendations for the families among charges, by account then family. */
    public List<Recommendation> recommend(List<TaskCharge> charges, Instant now)
    {
        Map<List<String>, List<MeteredTask>> families = new LinkedHashMap<>();
        charges.stream()
                .map(TaskCharge::task)
                .sorted(Comparator.comparing(MeteredTask::accountId).thenComparing(MeteredTask::family).thenComparing(MeteredTask::pullStartedAt))
                .forEach(task -> families.computeIfAbsent(List.of(task.accountId(), task.family()), key -> new ArrayList<>()).add(task));
        List<Recommendation> recommendations = new ArrayList<>();
        families.values().forEach(tasks -> recommendForFamily(tasks, now).ifPresent(recommendations::add));
        return List.copyOf(recommendations);
    }

    private Optional<Recommendation> recommendForFamily(List<MeteredTask> familyTasks, Instant now)
    {
        MeteredTask latest = familyTasks.getLast();
        List<MeteredTask> tasks = familyTasks.stream()
                .filter(task -> task.cpu() == latest.cpu() && task.memory() == latest.memory())
                .toList();
        double sampledSeconds = tasks.stream().mapToDouble(MeteredTask::memorySampledSeconds).sum();
        if (sampledSeconds < policy.minimumSampledSeconds() || sampledSeconds == 0) {
            return Optional.empty();
        }
        double vcpu = latest.cpu() / 1024.0;
        double peakMemory = tasks.stream().mapToDouble(MeteredTask::peakMemoryMiB).max().orElse(0);
        double cpuUtilisation = tasks.stream().mapToDouble(MeteredTask::cpuSeconds).sum() / (vcpu * sampledSeconds);
        if (peakMemory >= policy.maximumPeakMemoryShare() * latest.memory() || cpuUtilisation >= policy.maximumCpuUtilisation()) {
            return Optional.empty();
        }
        double neededMemory = peakMemory * policy.headroom();
        double neededVcpu = cpuUtilisation * vcpu * policy.headroom();
        BigDecimal currentRate = rate(latest.cpu(), latest.memory());
        Optional<TaskSize> cheapest = FargateTaskSizes.validCpuValues().stream()
                .flatMap(cpu -> FargateTaskSizes.validMemoryValues(cpu).stream().map(memory -> new TaskSize(cpu, memory)))
                .filter(size -> size.cpu() / 1024.0 >= neededVcpu && size.memory() >= neededMemory)
                .min(Comparator.comparing((TaskSize size) -> rate(size.cpu(), size.memory())).thenComparingInt(TaskSize::cpu));
        if (cheapest.isEmpty() || rate(cheapest.get().cpu(), cheapest.get().memory()).compareTo(currentRate) >= 0) {
            return Optional.empty();
        }
        TaskSize size = cheapest.get();
        BigDecimal recommendedRate = rate(size.cpu(), size.memory());
        BigDecimal perTask = currentRate.subtract(recommendedRate).multiply(HOURS_PER_MONTH);
        return Optional.of(new Recommendation(latest.accountId(), latest.family(), tasks.size(), latest.cpu(), latest.memory(), size.cpu(), size.memory(),
                peakMemory, cpuUtilisation, currentRate, recommendedRate, BillingMath.money(perTask),
                BillingMath.money(perTask.multiply(averageConcurrency(tasks, now)))));
    }

    /** How many of the tasks ran at once on average, over the time from the first pull to the last stop. */
    private static BigDecimal averageConcurrency(List<MeteredTask> tasks, Instant now)
    {
        Instant first = tasks.stream().map(MeteredTask::pullStartedAt).min(Instant::compareTo).orElseThrow();
        Instant last = tasks.stream().map(task -> task.stoppedAt() == null ? now : task.stoppedAt()).max(Instant::compareTo).orElseThrow();
        long spanMillis = Duration.between(first, last).toMillis();
        if (spanMillis <= 0) {
            return BigDecimal.ONE;
        }
        long runMillis = tasks.stream().mapToLong(task -> Duration.between(task.pullStartedAt(), task.stoppedAt() == null ? now : task.stoppedAt()).toMillis()).sum();
        return BigDecimal.valueOf(runMillis).divide(BigDecimal.valueOf(spanMillis), 6, RoundingMode.HALF_UP);
    }

    private BigDecimal rate(int cpu, int memory)
    {
        return prices.hourlyRate(BillingMath.vcpu(cpu), BillingMath.memoryGiB(memory));
    }
}
