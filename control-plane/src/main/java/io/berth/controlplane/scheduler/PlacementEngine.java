package io.berth.controlplane.scheduler;

import io.berth.controlplane.scheduler.WorkingCluster.Resource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * Places tasks on hosts: a pure function of a {@link ClusterSnapshot} and the requests, apart from the injected
 * random generator that the {@code random} strategy draws from (seed it and plans repeat exactly).
 *
 * <p>For each request, in order: hosts that cannot take the task are filtered out (state, isolation tier,
 * memberOf, distinctInstance, memory, cpu); the rest are ranked by the request's strategies, each breaking the ties of the
 * one before, and finally by host id; the first wins. Tasks placed earlier in the same plan count against their
 * host's capacity and in their group's spread. A task that fits nowhere gets a {@link PlacementFailure} with the
 * reason of every host.
 *
 * <p>When the last strategy is a spread, hosts still tied go to the one holding the fewest tasks (of any group),
 * so spreading many groups evens out the whole cluster; otherwise ties go to the first host by id.
 *
 * <p>Most searches avoid scanning every host: when the first strategy is binpack, or a spread on an attribute
 * followed by binpack (the default), the engine walks a free-capacity index from the smallest host that fits
 * upward and stops at the first feasible one; a spread on instanceId walks hosts by task count (or, followed by
 * binpack, by free capacity) among the hosts holding no task of the group.
 */
public final class PlacementEngine
{
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final RandomGenerator random;

    public PlacementEngine(RandomGenerator random)
    {
        this.random = requireNonNull(random, "random is null");
    }

    public PlacementPlan place(ClusterSnapshot snapshot, List<PlacementRequest> requests)
    {
        int smallestCpu = requests.stream().mapToInt(PlacementRequest::cpu).min().orElse(0);
        long smallestMemory = requests.stream().mapToLong(PlacementRequest::memory).min().orElse(0);
        WorkingCluster cluster = new WorkingCluster(snapshot, Math.max(smallestCpu, 0), Math.max(smallestMemory, 0));
        List<PlacementPlan.Assignment> assignments = new ArrayList<>();
        List<PlacementFailure> failures = new ArrayList<>();
        for (PlacementRequest request : requests) {
            Ranking ranking = new Ranking(cluster, request, usesRandom(request) ? random.nextLong() : 0);
            int host = ranking.best();
            if (host < 0) {
                failures.add(explain(cluster, request));
                continue;
            }
            cluster.place(host, request);
            assignments.add(new PlacementPlan.Assignment(request.taskId(), cluster.hostIds[host]));
        }
        return new PlacementPlan(assignments, failures);
    }

    private static boolean usesRandom(PlacementRequest request)
    {
        return request.effectiveStrategies().stream().anyMatch(strategy -> strategy.type() == PlacementStrategy.Type.RANDOM);
    }

    /** Why the task fits on no host: each host's first failing check, and a one-line summary. */
    static PlacementFailure explain(WorkingCluster cluster, PlacementRequest request)
    {
        Map<String, RejectionReason> hostReasons = new LinkedHashMap<>();
        EnumMap<RejectionReason, Integer> counts = new EnumMap<>(RejectionReason.class);
        long largestFreeMemory = -1;
        long largestFreeCpu = -1;
        for (int host = 0; host < cluster.size; host++) {
            RejectionReason reason = rejection(cluster, request, host);
            if (reason == null) {
                // only possible if a feasible host was not found, which the search rules out; keep the explanation honest
                continue;
            }
            hostReasons.put(cluster.hostIds[host], reason);
            counts.merge(reason, 1, Integer::sum);
            if (reason == RejectionReason.RESOURCE_MEMORY || reason == RejectionReason.RESOURCE_CPU) {
                largestFreeMemory = Math.max(largestFreeMemory, cluster.freeMemory[host]);
                largestFreeCpu = Math.max(largestFreeCpu, cluster.freeCpu[host]);
            }
        }
        if (counts.isEmpty()) {
            return new PlacementFailure(request.taskId(), null, "NO_HOSTS (no host has joined the cluster)", hostReasons);
        }
        RejectionReason summary = counts.entrySet().stream()
                .max(Comparator.<Map.Entry<RejectionReason, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(entry -> -SUMMARY_PREFERENCE.indexOf(entry.getKey())))
                .orElseThrow()
                .getKey();
        String detail = switch (summary) {
            case RESOURCE_MEMORY -> "no host has " + request.memory() + " MiB free; largest free: " + Math.max(largestFreeMemory, 0) + " MiB";
            case RESOURCE_CPU -> "no host has " + request.cpu() + " cpu units free; largest free: " + Math.max(largestFreeCpu, 0) + " cpu units";
            case MEMBER_OF -> "no host matches " + request.constraints().stream()
                    .filter(constraint -> constraint.type() == PlacementConstraint.Type.MEMBER_OF)
                    .map(constraint -> "'" + constraint.expression() + "'")
                    .reduce((first, second) -> first + " and " + second)
                    .orElse("the memberOf constraints");
            case DISTINCT_INSTANCE -> "every host that fits already runs a task of group " + request.group();
            case ISOLATION -> "no host offers isolation " + request.isolation().wireName();
            case CORDONED, DRAINING, LOST -> "no ACTIVE host can take it";
        };
        StringBuilder breakdown = new StringBuilder();
        SUMMARY_PREFERENCE.stream().filter(counts::containsKey).forEach(reason -> {
            breakdown.append(breakdown.isEmpty() ? "" : ", ").append(counts.get(reason)).append(' ').append(reason.code());
        });
        String message = summary.code() + " (" + detail + "; " + cluster.size + (cluster.size == 1 ? " host: " : " hosts: ") + breakdown + ")";
        return new PlacementFailure(request.taskId(), summary, message, hostReasons);
    }

    /** When as many hosts fail for two reasons, the one an operator can act on most directly is named. */
    private static final List<RejectionReason> SUMMARY_PREFERENCE = List.of(
            RejectionReason.RESOURCE_MEMORY,
            RejectionReason.RESOURCE_CPU,
            RejectionReason.ISOLATION,
            RejectionReason.MEMBER_OF,
            RejectionReason.DISTINCT_INSTANCE,
            RejectionReason.CORDONED,
            RejectionReason.DRAINING,
            RejectionReason.LOST);

    /** The first check the host fails, or null when it can take the task. */
    static RejectionReason rejection(WorkingCluster cluster, PlacementRequest request, int host)
    {
        switch (cluster.states[host]) {
            case LOST -> {
                return RejectionReason.LOST;
            }
            case DRAINING -> {
                return RejectionReason.DRAINING;
            }
            case CORDONED -> {
                return RejectionReason.CORDONED;
            }
            case ACTIVE -> {
            }
        }
        if (!cluster.isolationTiers.get(host).contains(request.isolation())) {
            return RejectionReason.ISOLATION;
        }
        for (PlacementConstraint constraint : request.constraints()) {
            if (constraint.type() == PlacementConstraint.Type.MEMBER_OF && !constraint.predicate().test(cluster.hostIds[host], cluster.attributes.get(host))) {
                return RejectionReason.MEMBER_OF;
            }
        }
        for (PlacementConstraint constraint : request.constraints()) {
            if (constraint.type() == PlacementConstraint.Type.DISTINCT_INSTANCE && cluster.groupCounts(request.group())[host] > 0) {
                return RejectionReason.DISTINCT_INSTANCE;
            }
        }
        if (cluster.freeMemory[host] < request.memory()) {
            return RejectionReason.RESOURCE_MEMORY;
        }
        if (cluster.freeCpu[host] < request.cpu()) {
            return RejectionReason.RESOURCE_CPU;
        }
        return null;
    }

    /** The search for one request's best host. */
    private static final class Ranking
    {
        private final WorkingCluster cluster;
        private final PlacementRequest request;
        private final List<PlacementStrategy> strategies;
        private final long salt;

        Ranking(WorkingCluster cluster, PlacementRequest request, long salt)
        {
            this.cluster = cluster;
            this.request = request;
            this.strategies = request.effectiveStrategies();
            this.salt = salt;
        }

        int best()
        {
            PlacementStrategy first = strategies.getFirst();
            if (first.type() == PlacementStrategy.Type.BINPACK) {
                Resource resource = resource(first);
                return bestInIndex(cluster.clusterIndex(resource), resource, 1, false);
            }
            if (first.attributeName() != null && strategies.size() >= 2 && strategies.get(1).type() == PlacementStrategy.Type.BINPACK) {
                return bestSpreadThenBinpack(first.attributeName(), resource(strategies.get(1)));
            }
            if (first.type() == PlacementStrategy.Type.SPREAD && first.attributeName() == null) {
                // no task of the group on the host is the best spread score there is: search those hosts first
                int best = -1;
                if (strategies.size() == 1) {
                    best = bestInIndex(cluster.clusterIndex(Resource.TASKS), Resource.TASKS, 1, true);
                }
                else if (strategies.get(1).type() == PlacementStrategy.Type.BINPACK) {
                    Resource resource = resource(strategies.get(1));
                    best = bestInIndex(cluster.clusterIndex(resource), resource, 2, true);
                }
                if (best >= 0) {
                    return best;
                }
            }
            return bestByScan();
        }

        /**
         * Walks hosts from the least free capacity that fits (or the fewest tasks) upward; ties go to the later
         * strategies. onlyWithoutGroup skips hosts holding a task of the request's group.
         */
        private int bestInIndex(NavigableSet<Long> index, Resource resource, int tieBreakFrom, boolean onlyWithoutGroup)
        {
            long required = switch (resource) {
                case CPU -> request.cpu();
                case MEMORY -> request.memory();
                case TASKS -> 0;
            };
            int[] groupCounts = onlyWithoutGroup ? cluster.groupCounts(request.group()) : null;
            int best = -1;
            long bestFree = -1;
            for (long key : index.tailSet(WorkingCluster.indexKey(Math.max(required, 0), 0), true)) {
                long free = WorkingCluster.freeOf(key);
                if (best >= 0 && free != bestFree) {
                    break;
                }
                int host = WorkingCluster.hostOf(key);
                if ((groupCounts != null && groupCounts[host] != 0) || rejection(cluster, request, host) != null) {
                    continue;
                }
                if (tieBreakFrom >= strategies.size() && (resource == Resource.TASKS || strategies.getLast().type() != PlacementStrategy.Type.SPREAD)) {
                    // keys with equal value are in host order: the first feasible one wins the final tie-break
                    return host;
                }
                if (best < 0 || compare(host, best, tieBreakFrom) < 0) {
                    best = host;
                    bestFree = free;
                }
            }
            return best;
        }

        /** Zones (or any attribute's values) with the fewest tasks of the group first; binpack inside them. */
        private int bestSpreadThenBinpack(String attribute, Resource resource)
        {
            Map<String, Integer> counts = cluster.valueCounts(request.group(), attribute);
            List<String> values = new ArrayList<>(cluster.activeValues(attribute));
            values.sort(Comparator.<String>comparingInt(value -> counts.getOrDefault(value, 0)).thenComparing(Comparator.naturalOrder()));
            int start = 0;
            while (start < values.size()) {
                int tierCount = counts.getOrDefault(values.get(start), 0);
                int end = start;
                int best = -1;
                while (end < values.size() && counts.getOrDefault(values.get(end), 0) == tierCount) {
                    int candidate = bestInIndex(cluster.partitionIndex(attribute, values.get(end), resource), resource, 2, false);
                    if (candidate >= 0 && (best < 0 || compare(candidate, best, 1) < 0)) {
                        best = candidate;
                    }
                    end++;
                }
                if (best >= 0) {
                    return best;
                }
                start = end;
            }
            return -1;
        }

        private int bestByScan()
        {
            int best = -1;
            for (int host = 0; host < cluster.size; host++) {
                if (rejection(cluster, request, host) == null && (best < 0 || compare(host, best, 0) < 0)) {
                    best = host;
                }
            }
            return best;
        }

        /** Negative when host a ranks before host b by the strategies from index from on, then by host order. */
        private int compare(int a, int b, int from)
        {
            for (int index = from; index < strategies.size(); index++) {
                PlacementStrategy strategy = strategies.get(index);
                int order = Long.compare(score(strategy, a), score(strategy, b));
                if (order != 0) {
                    return order;
                }
            }
            if (strategies.getLast().type() == PlacementStrategy.Type.SPREAD && cluster.tasks[a] != cluster.tasks[b]) {
                return Long.compare(cluster.tasks[a], cluster.tasks[b]);
            }
            return Integer.compare(a, b);
        }

        /** Lower is better. */
        private long score(PlacementStrategy strategy, int host)
        {
            return switch (strategy.type()) {
                case BINPACK -> cluster.free(resource(strategy), host);
                case SPREAD -> strategy.attributeName() == null
                        ? cluster.groupCounts(request.group())[host]
                        : cluster.valueCounts(request.group(), strategy.attributeName()).getOrDefault(cluster.attributeValues(strategy.attributeName())[host], 0);
                case RANDOM -> mix(salt + (host + 1) * GOLDEN_GAMMA);
            };
        }

        private static Resource resource(PlacementStrategy binpack)
        {
            return "cpu".equals(binpack.field()) ? Resource.CPU : Resource.MEMORY;
        }

        /** SplitMix64's finalizer: a well-spread pseudo-random number per (request, host). */
        private static long mix(long value)
        {
            long z = value;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }
}
