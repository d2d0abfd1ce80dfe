package io.berth.controlplane.clusters;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ECS's rules for a cluster's capacity providers and their default strategy, with the two providers Fargate has:
 * FARGATE and FARGATE_SPOT, and how a strategy spreads new tasks over them ({@link #spread}): a RunTask's from none,
 * a service deployment's counting the tasks it already runs on each.
 */
public final class CapacityProviders
{
    public static final String FARGATE = "FARGATE";
    public static final String FARGATE_SPOT = "FARGATE_SPOT";
    private static final Set<String> KNOWN = Set.of(FARGATE, FARGATE_SPOT);
    private static final int MAX_WEIGHT = 1_000;
    private static final int MAX_BASE = 100_000;
    private static final int MAX_STRATEGY_ITEMS = 6;

    private CapacityProviders() {}

    public static void check(List<String> providers, List<ClusterConfiguration.StrategyItem> strategy)
    {
        Set<String> seen = new HashSet<>();
        for (String provider : providers) {
            if (!KNOWN.contains(provider)) {
                throw InvalidRequestException.invalidValue("The specified capacity provider '" + provider + "' does not exist: Berth has FARGATE and FARGATE_SPOT.");
            }
            if (!seen.add(provider)) {
                throw InvalidRequestException.invalidValue("The capacity provider '" + provider + "' is given more than once.");
            }
        }
        checkStrategy(strategy);
        checkAssociated(strategy, providers);
    }

    /** A strategy's own rules: known providers, each once, weights 0 to 1000, bases 0 to 100000, one base at most. */
    public static void checkStrategy(List<ClusterConfiguration.StrategyItem> strategy)
    {
        if (strategy.size() > MAX_STRATEGY_ITEMS) {
            throw InvalidRequestException.invalidValue("A capacity provider strategy can have at most " + MAX_STRATEGY_ITEMS + " items.");
        }
        Set<String> seen = new HashSet<>();
        int withBase = 0;
        for (ClusterConfiguration.StrategyItem item : strategy) {
            if (!KNOWN.contains(item.capacityProvider())) {
                throw InvalidRequestException.invalidValue("The specified capacity provider '" + item.capacityProvider() + "' does not exist: Berth has FARGATE and FARGATE_SPOT.");
            }
            if (!seen.add(item.capacityProvider())) {
                throw InvalidRequestException.invalidValue("The capacity provider strategy names '" + item.capacityProvider() + "' more than once.");
            }
            if (item.weight() < 0 || item.weight() > MAX_WEIGHT) {
                throw InvalidRequestException.invalidValue("capacityProviderStrategy weight must be between 0 and " + MAX_WEIGHT + ", got " + item.weight() + ".");
            }
            if (item.base() < 0 || item.base() > MAX_BASE) {
                throw InvalidRequestException.invalidValue("capacityProviderStrategy base must be between 0 and " + MAX_BASE + ", got " + item.base() + ".");
            }
            if (item.base() > 0) {
                withBase++;
            }
        }
        if (withBase > 1) {
            throw InvalidRequestException.invalidValue("Only one capacity provider in a strategy can have a base defined.");
        }
    }

    /** Refuses a strategy naming a provider the cluster does not have (ECS: associate it first). */
    public static void checkAssociated(List<ClusterConfiguration.StrategyItem> strategy, List<String> clusterProviders)
    {
        for (ClusterConfiguration.StrategyItem item : strategy) {
            if (!clusterProviders.contains(item.capacityProvider())) {
                throw InvalidRequestException.invalidValue("The specified capacity provider strategy cannot contain a capacity provider that is not associated "
                        + "with the cluster: '" + item.capacityProvider() + "'. Associate it first with PutClusterCapacityProviders.");
            }
        }
    }

    /**
     * The provider of each of count new tasks, as ECS spreads them: first each base is filled (in strategy order), then
     * the rest go by weight, each task to the provider whose share of the tasks beyond the bases is furthest below its
     * weight (ties to the earlier provider). A strategy with no weight at all puts the rest on the provider with a
     * base, or on the first one.
     */
    public static List<String> spread(List<ClusterConfiguration.StrategyItem> strategy, int count)
    {
        return spread(strategy, count, java.util.Map.of());
    }

    /**
     * As {@link #spread(List, int)}, for tasks that join others already placed by the strategy (existing: how many run
     * on each provider), as ECS spreads a service's tasks: bases count the existing tasks, and weights the share of all.
     */
    public static List<String> spread(List<ClusterConfiguration.StrategyItem> strategy, int count, java.util.Map<String, Integer> existing)
    {
        if (strategy.isEmpty()) {
            throw new IllegalArgumentException("strategy is empty");
        }
        int[] assigned = new int[strategy.size()];
        for (int i = 0; i < strategy.size(); i++) {
            assigned[i] = existing.getOrDefault(strategy.get(i).capacityProvider(), 0);
        }
        List<String> providers = new java.util.ArrayList<>(count);
        boolean anyWeight = strategy.stream().anyMatch(item -> item.weight() > 0);
        for (int task = 0; task < count; task++) {
            int chosen = -1;
            for (int i = 0; i < strategy.size() && chosen < 0; i++) {
                if (assigned[i] < strategy.get(i).base()) {
                    chosen = i;
                }
            }
            if (chosen < 0 && anyWeight) {
                double best = Double.MAX_VALUE;
                for (int i = 0; i < strategy.size(); i++) {
                    ClusterConfiguration.StrategyItem item = strategy.get(i);
                    if (item.weight() == 0) {
                        continue;
                    }
                    // how full this provider's weighted share would be with one more task
                    double fill = (double) (assigned[i] - item.base() + 1) / item.weight();
                    if (fill < best) {
                        best = fill;
                        chosen = i;
                    }
                }
            }
            if (chosen < 0) {
                int withBase = 0;
                for (int i = 0; i < strategy.size(); i++) {
                    if (strategy.get(i).base() > 0) {
                        withBase = i;
                    }
                }
                chosen = withBase;
            }
            assigned[chosen]++;
            providers.add(strategy.get(chosen).capacityProvider());
        }
        return providers;
    }
}
