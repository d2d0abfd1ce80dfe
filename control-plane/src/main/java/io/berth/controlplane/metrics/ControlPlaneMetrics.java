package io.berth.controlplane.metrics;

import io.berth.controlplane.agents.Host;
import io.berth.controlplane.agents.http.AgentCallObserver;
import io.berth.controlplane.api.http.ApiRequestObserver;
import io.berth.controlplane.placement.PlacementObserver;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tasks.TaskStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's metrics in one registry. Counters and histograms are fed by the API edge
 * ({@link ApiRequestObserver}), the agent protocol ({@link AgentCallObserver}) and the placer ({@link PlacementObserver}); tasks and hosts by state are read from the
 * store at each scrape, so they are right on any replica and after a restart.
 */
public final class ControlPlaneMetrics
        implements ApiRequestObserver, AgentCallObserver, PlacementObserver
{
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneMetrics.class);
    /** Seconds: from a cache hit (1 ms) to a long-polled or slow call (10 s). */
    private static final double[] REQUEST_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Seconds: a task placed by RunTask's own pass (ms) to one that waited for capacity (minutes). */
    private static final double[] PLACEMENT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram requestDuration;
    private final Counter agentCalls;
    private final Counter networkPlans;
    private final Counter placements;
    private final Histogram placementLatency;

    /** leader says whether this replica runs the controllers now (berth_leader). */
    public ControlPlaneMetrics(Store store, BooleanSupplier leader)
    {
        requireNonNull(store, "store is null");
        requireNonNull(leader, "leader is null");
        this.requests = Counter.builder()
                .name("berth_api_requests_total")
                .help("API requests answered, by service (ecs, ecr, logs, ... or berth for the admin endpoints), action, HTTP code and AWS error code")
                .labelNames("service", "action", "code", "error")
                .register(registry);
        this.requestDuration = Histogram.builder()
                .name("berth_api_request_duration_seconds")
                .help("Time to answer an API request, by service and action")
                .unit(Unit.SECONDS)
                .labelNames("service", "action")
                .classicOnly()
                .classicUpperBounds(REQUEST_BUCKETS)
                .register(registry);
        this.agentCalls = Counter.builder()
                .name("berth_agent_calls_total")
                .help("Agent protocol calls answered, by operation (sync: a heartbeat or a wake-up that may touch the host's tasks; "
                        + "network: a host's network plan fetched alone, after a change of its peers or of other hosts' task endpoints; "
                        + "changes: long polls; join, logs, certificate, rotate) and HTTP code")
                .labelNames("operation", "code")
                .register(registry);
        this.networkPlans = Counter.builder()
                .name("berth_agent_network_plans_total")
                .help("Network plans answered alone after a change of a host's network only, by how they went: fetch (the agent asked) "
                        + "or wake-up (with the long poll's answer, no round trip of its own)")
                .labelNames("via")
                .register(registry);
        this.placements = Counter.builder()
                .name("berth_placements_total")
                .help("Placement decisions: placed (the task got a host), deferred (no host fits now, the task waits), unplaceable (stopped after the placement timeout)")
                .labelNames("result")
                .register(registry);
        this.placementLatency = Histogram.builder()
                .name("berth_placement_latency_seconds")
                .help("Time from a task's creation (RunTask) to its placement on a host")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(PLACEMENT_BUCKETS)
                .register(registry);
        GaugeWithCallback.builder()
                .name("berth_tasks")
                .help("Tasks the store holds (of every account), by lastStatus; stopped tasks count until they are forgotten")
                .labelNames("last_status")
                .callback(callback -> taskCounts(store).forEach((status, count) -> callback.call(count, status.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("berth_hosts")
                .help("Hosts that joined, by state")
                .labelNames("state")
                .callback(callback -> hostCounts(store).forEach((state, count) -> callback.call(count, state.name())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("berth_leader")
                .help("1 when this control plane replica is the elected leader, which alone runs the controllers (placement of waiting tasks, "
                        + "host loss, drains, services); 0 on the other replicas")
                .callback(callback -> callback.call(leader.getAsBoolean() ? 1 : 0))
                .register(registry);
    }

    public PrometheusRegistry registry()
    {
        return registry;
    }

    @Override
    public void completed(String service, String action, int code, String error, Duration duration)
    {
        requests.labelValues(service, action, Integer.toString(code), error).inc();
        requestDuration.labelValues(service, action).observe(seconds(duration));
    }

    @Override
    public void answered(String operation, int status)
    {
        agentCalls.labelValues(operation, Integer.toString(status)).inc();
    }

    @Override
    public void networkPlanSent(String via)
    {
        networkPlans.labelValues(via).inc();
    }

    @Override
    public void placed(Duration waited)
    {
        placements.labelValues("placed").inc();
        placementLatency.observe(seconds(waited.isNegative() ? Duration.ZERO : waited));
    }

    @Override
    public void deferred()
    {
        placements.labelValues("deferred").inc();
    }

    @Override
    public void unplaceable()
    {
        placements.labelValues("unplaceable").inc();
    }

    /**
     * Every status, those with no task at 0, so that a dashboard's series never vanish. While the store is away the
     * series are left out (stale to Prometheus) rather than shown as zeros or failing the other metrics.
     */
    private static Map<TaskStatus, Long> taskCounts(Store store)
    {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        for (TaskStatus status : TaskStatus.values()) {
            counts.put(status, 0L);
        }
        try {
            counts.putAll(store.inTransaction(transaction -> transaction.tasks().countByLastStatus()));
        }
        catch (RuntimeException e) {
            log.warn("metrics: cannot count tasks: {}", e.toString());
            return Map.of();
        }
        return counts;
    }

    private static Map<HostState, Long> hostCounts(Store store)
    {
        Map<HostState, Long> counts = new EnumMap<>(HostState.class);
        for (HostState state : HostState.values()) {
            counts.put(state, 0L);
        }
        try {
            for (Host host : store.inTransaction(transaction -> transaction.hosts().all())) {
                counts.merge(host.state(), 1L, Long::sum);
            }
        }
        catch (RuntimeException e) {
            log.warn("metrics: cannot count hosts: {}", e.toString());
            return Map.of();
        }
        return counts;
    }

    private static double seconds(Duration duration)
    {
        return duration.toNanos() / 1e9;
    }
}
