package io.berth.controlplane.metering;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** Turns metered tasks into a bill for a period. Pure: no store, no clock. */
public final class BillCalculator
{
    private final MeteringConfig config;
    private final RightSizer rightSizer;

    public BillCalculator(MeteringConfig config, RightSizingPolicy policy)
    {
        this.config = requireNonNull(config, "config is null");
        this.rightSizer = new RightSizer(policy, config.prices());
    }

    public Bill calculate(List<MeteredTask> tasks, BillingPeriod period, BillGrouping grouping, Instant now)
    {
        List<TaskCharge> charges = tasks.stream()
                .map(task -> TaskCharge.of(task, period, now, config.minimumBilledSeconds(), config.prices()))
                .filter(charge -> charge.billedSeconds() > 0)
                .toList();
        Set<String> accounts = charges.stream().map(charge -> charge.task().accountId()).collect(Collectors.toSet());
        String onlyAccount = accounts.size() == 1 ? accounts.iterator().next() : null;
        Map<List<String>, List<TaskCharge>> groups = new LinkedHashMap<>();
        for (TaskCharge charge : charges) {
            groups.computeIfAbsent(List.of(charge.task().accountId(), grouping.keyOf(charge.task())), key -> new ArrayList<>()).add(charge);
        }
        List<BillLine> lines = groups.entrySet().stream()
                .map(entry -> new BillLine(entry.getKey().get(0), entry.getKey().get(1), entry.getValue()))
                .toList();
        return new Bill(period, grouping, config.prices(), config.minimumBilledSeconds(), lines,
                new BillLine(onlyAccount, "TOTAL", charges), rightSizer.recommend(charges, now));
    }
}
