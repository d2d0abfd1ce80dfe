package io.berth.controlplane.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs the engine against fixture hosts and keeps the plans it made: {@link #place} makes one plan, and
 * {@link #placeAndApply} also records its placements on the hosts, so the next plan sees them as allocated, as
 * the store would after the placer applies a plan. The random strategy draws from a seeded generator.
 */
final class SchedulerHarness
{
    private final Map<String, SnapshotHost> hosts = new HashMap<>();
    private final List<PlacementPlan> plans = new ArrayList<>();
    private final PlacementEngine engine;

    SchedulerHarness(SnapshotHost... hosts)
    {
        this(42, hosts);
    }

    SchedulerHarness(long seed, SnapshotHost... hosts)
    {
        this.engine = new PlacementEngine(new Random(seed));
        Arrays.stream(hosts).forEach(host -> this.hosts.put(host.hostId(), host));
    }

    ClusterSnapshot snapshot()
    {
        return new ClusterSnapshot(List.copyOf(hosts.values()));
    }

    PlacementPlan place(List<PlacementRequest> requests)
    {
        PlacementPlan plan = engine.place(snapshot(), requests);
        plans.add(plan);
        return plan;
    }

    PlacementPlan place(PlacementRequest... requests)
    {
        return place(List.of(requests));
    }

    PlacementPlan placeAndApply(List<PlacementRequest> requests)
    {
        PlacementPlan plan = place(requests);
        for (PlacementPlan.Assignment assignment : plan.assignments()) {
            PlacementRequest request = requests.stream().filter(candidate -> candidate.taskId().equals(assignment.taskId())).findFirst().orElseThrow();
            SnapshotHost host = hosts.get(assignment.hostId());
            Map<String, Integer> groups = new HashMap<>(host.tasksByGroup());
            groups.merge(request.group(), 1, Integer::sum);
            hosts.put(host.hostId(), new SnapshotHost(host.hostId(), host.cpuCapacity(), host.memoryCapacity(),
                    host.cpuAllocated() + request.cpu(), host.memoryAllocated() + request.memory(), host.attributes(), host.state(), groups));
        }
        return plan;
    }

    /** The host a single task went to, failing the test when it was not placed. */
    String hostOf(PlacementRequest request)
    {
        PlacementPlan plan = place(request);
        return plan.hostFor(request.taskId()).orElseThrow(() -> new AssertionError("not placed: " + plan.failures()));
    }

    SnapshotHost host(String hostId)
    {
        return hosts.get(hostId);
    }

    List<PlacementPlan> plans()
    {
        return List.copyOf(plans);
    }
}
