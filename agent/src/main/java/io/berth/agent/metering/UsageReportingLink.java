package io.berth.agent.metering;

import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostChange;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.agentprotocol.TaskUsage;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * A link to the control plane that adds each task's usage so far to its report on every sync. A running task's usage is
 * renewed in its report at most every {@link #RUNNING_USAGE_INTERVAL} (the sampler reads every few seconds): between
 * renewals the report carries the same usage, so it does not change, and a delta sync does not send it. Any other
 * status takes the latest usage at once, so a stopped task's last figures go with its STOPPED report.
 */
public final class UsageReportingLink
        implements ControlPlaneLink
{
    /** As often as the usage ledger writes a running container's figures to disk. */
    public static final Duration RUNNING_USAGE_INTERVAL = UsageLedger.SAVE_INTERVAL;

    private final ControlPlaneLink link;
    private final UsageLedger ledger;
    private final Map<String, TaskUsage> reported = new ConcurrentHashMap<>();

    public UsageReportingLink(ControlPlaneLink link, UsageLedger ledger)
    {
        this.link = requireNonNull(link, "link is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
    }

    @Override
    public SyncResponse sync(SyncRequest request)
    {
        Set<String> held = new HashSet<>();
        request.tasks().forEach(report -> held.add(report.taskId()));
        reported.keySet().retainAll(held);
        return link.sync(request.withTasks(request.tasks().stream().map(this::withUsage).toList()));
    }

    @Override
    public void awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        link.awaitChange(hostId, timeout);
    }

    @Override
    public HostChange awaitChanges(String hostId, Duration timeout)
            throws InterruptedException
    {
        return link.awaitChanges(hostId, timeout);
    }

    @Override
    public Optional<NetworkPlan> network(String hostId)
    {
        return link.network(hostId);
    }

    private TaskReport withUsage(TaskReport report)
    {
        Optional<TaskUsage> latest = ledger.taskUsage(report.taskId());
        if (latest.isEmpty()) {
            return report;
        }
        TaskUsage before = reported.get(report.taskId());
        TaskUsage usage = before != null && report.status() == TaskReport.Status.RUNNING
                && latest.get().sampledAt().isBefore(before.sampledAt().plus(RUNNING_USAGE_INTERVAL))
                ? before
                : latest.get();
        reported.put(report.taskId(), usage);
        return report.withUsage(usage);
    }
}
