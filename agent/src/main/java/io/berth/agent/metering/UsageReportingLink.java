package io.berth.agent.metering;

import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskReport;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** A link to the control plane that adds each task's usage so far to its report on every sync. */
public final class UsageReportingLink
        implements ControlPlaneLink
{
    private final ControlPlaneLink link;
    private final UsageLedger ledger;

    public UsageReportingLink(ControlPlaneLink link, UsageLedger ledger)
    {
        this.link = requireNonNull(link, "link is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
    }

    @Override
    public SyncResponse sync(SyncRequest request)
    {
        return link.sync(request.withTasks(request.tasks().stream().map(this::withUsage).toList()));
    }

    @Override
    public void awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        link.awaitChange(hostId, timeout);
    }

    private TaskReport withUsage(TaskReport report)
    {
        return ledger.taskUsage(report.taskId()).map(report::withUsage).orElse(report);
    }
}
