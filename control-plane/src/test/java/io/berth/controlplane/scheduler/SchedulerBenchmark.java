package io.berth.controlplane.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The scheduler alone, in process: 10,000 simulated hosts (16 vCPU, 48 GiB, three zones) and a stream of 100,000
 * tasks of mixed Fargate sizes in 200 task families, placed in plans of 1,000 tasks (each plan against a fresh
 * snapshot holding everything placed before, as the control plane's placer works). Prints placements per second
 * and packing quality for the default strategy, binpack and spread. Run it with scripts/bench-scheduler.sh.
 */
public final class SchedulerBenchmark
{
    private static final int HOSTS = 10_000;
    private static final int TASKS = 100_000;
    private static final int PLAN_SIZE = 1_000;
    private static final int FAMILIES = 200;
    private static final int HOST_CPU = 16 * 1024;
    private static final long HOST_MEMORY = 48 * 1024;
    private static final int SMALLEST_CPU = 256;
    private static final long SMALLEST_MEMORY = 512;

    // Fargate sizes (cpu units, MiB) with how often they occur in the stream: mostly small tasks, a tail of large ones
    private static final int[][] SIZES = {
            {256, 512, 30}, {256, 1024, 10}, {512, 1024, 15}, {512, 2048, 10}, {1024, 2048, 15},
            {1024, 4096, 8}, {2048, 4096, 5}, {2048, 8192, 4}, {4096, 8192, 2}, {4096, 16384, 1}};

    private SchedulerBenchmark() {}

    public static void main(String[] args)
    {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<PlacementRequest> stream = stream(new Random(1));
        System.out.printf(Locale.ROOT, "Scheduler benchmark: %,d hosts (%d vCPU, %d GiB, 3 zones), %,d tasks of mixed Fargate sizes, plans of %,d tasks, JVM %s, %d cpus%n",
                HOSTS, HOST_CPU / 1024, HOST_MEMORY / 1024, TASKS, PLAN_SIZE, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.println("Reference points: Nomad C1M ~3,750 containers/s; Kubernetes scheduler ~100 pods/s; target >= 20,000 placements/s");
        System.out.println();
        System.out.printf(Locale.ROOT, "%-44s %14s %12s %11s %13s %13s%n", "strategy", "placements/s", "placed", "hosts used", "fragmented", "fragmented");
        System.out.printf(Locale.ROOT, "%-44s %14s %12s %11s %13s %13s%n", "", "(best of " + rounds + ")", "", "", "cpu (vCPU)", "memory (GiB)");
        run("default: spread(zone), binpack(memory)", List.of(), stream, rounds);
        run("binpack(memory)", List.of(PlacementStrategy.binpack("memory")), stream, rounds);
        run("binpack(cpu)", List.of(PlacementStrategy.binpack("cpu")), stream, rounds);
        run("spread(instanceId)", List.of(PlacementStrategy.spread("instanceId")), stream, rounds);
        run("spread(instanceId), binpack(memory)", List.of(PlacementStrategy.spread("instanceId"), PlacementStrategy.binpack("memory")), stream, rounds);
        System.out.println();
        System.out.println("fragmented = free capacity on used hosts that cannot take even the smallest task (256 cpu units, 512 MiB)");
    }

    private static void run(String name, List<PlacementStrategy> strategies, List<PlacementRequest> stream, int rounds)
    {
        List<PlacementRequest> requests = stream.stream()
                .map(request -> new PlacementRequest(request.taskId(), request.cpu(), request.memory(), request.group(), strategies, List.of()))
                .toList();
        double best = 0;
        Result result = null;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            result = placeStream(requests);
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, result.placed / seconds);
        }
        System.out.printf(Locale.ROOT, "%-44s %,14.0f %,12d %10.1f%% %13.1f %13.1f%n", name, best, result.placed, 100.0 * result.hostsUsed / HOSTS,
                result.fragmentedCpu / 1024.0, result.fragmentedMemory / 1024.0);
    }

    private record Result(int placed, int hostsUsed, long fragmentedCpu, long fragmentedMemory) {}

    private static Result placeStream(List<PlacementRequest> requests)
    {
        PlacementEngine engine = new PlacementEngine(new Random(7));
        int[] cpuAllocated = new int[HOSTS];
        long[] memoryAllocated = new long[HOSTS];
        List<Map<String, Integer>> groups = new ArrayList<>();
        Map<String, Integer> hostIndex = new HashMap<>();
        List<String> hostIds = new ArrayList<>();
        for (int host = 0; host < HOSTS; host++) {
            groups.add(new HashMap<>());
            String id = String.format(Locale.ROOT, "host-%05d", host);
            hostIds.add(id);
            hostIndex.put(id, host);
        }
        Map<String, PlacementRequest> byId = new HashMap<>();
        requests.forEach(request -> byId.put(request.taskId(), request));
        int placed = 0;
        for (int from = 0; from < requests.size(); from += PLAN_SIZE) {
            List<SnapshotHost> hosts = new ArrayList<>(HOSTS);
            for (int host = 0; host < HOSTS; host++) {
                hosts.add(new SnapshotHost(hostIds.get(host), HOST_CPU, HOST_MEMORY, cpuAllocated[host], memoryAllocated[host],
                        Map.of(PlacementStrategy.AVAILABILITY_ZONE, "zone-" + (char) ('a' + host % 3)), HostState.ACTIVE, groups.get(host)));
            }
            PlacementPlan plan = engine.place(new ClusterSnapshot(hosts), requests.subList(from, Math.min(from + PLAN_SIZE, requests.size())));
            for (PlacementPlan.Assignment assignment : plan.assignments()) {
                int host = hostIndex.get(assignment.hostId());
                PlacementRequest request = byId.get(assignment.taskId());
                cpuAllocated[host] += request.cpu();
                memoryAllocated[host] += request.memory();
                groups.get(host).merge(request.group(), 1, Integer::sum);
                placed++;
            }
        }
        int used = 0;
        long fragmentedCpu = 0;
        long fragmentedMemory = 0;
        for (int host = 0; host < HOSTS; host++) {
            if (cpuAllocated[host] == 0) {
                continue;
            }
            used++;
            long freeCpu = HOST_CPU - cpuAllocated[host];
            long freeMemory = HOST_MEMORY - memoryAllocated[host];
            if (freeCpu < SMALLEST_CPU || freeMemory < SMALLEST_MEMORY) {
                fragmentedCpu += freeCpu;
                fragmentedMemory += freeMemory;
            }
        }
        return new Result(placed, used, fragmentedCpu, fragmentedMemory);
    }

    private static List<PlacementRequest> stream(Random random)
    {
        int totalWeight = 0;
        for (int[] size : SIZES) {
            totalWeight += size[2];
        }
        List<PlacementRequest> requests = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            int pick = random.nextInt(totalWeight);
            int[] chosen = SIZES[0];
            for (int[] size : SIZES) {
                pick -= size[2];
                if (pick < 0) {
                    chosen = size;
                    break;
                }
            }
            requests.add(new PlacementRequest("task-" + i, chosen[0], chosen[1], "family:app-" + random.nextInt(FAMILIES), List.of(), List.of()));
        }
        return requests;
    }
}
