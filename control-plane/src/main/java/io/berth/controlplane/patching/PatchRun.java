package io.berth.controlplane.patching;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A rolling patch the operator asked for: the command to run on each host (in the order of hosts), at most
 * maxUnavailable hosts out of service at once, whether the command restarts the agent or the host (reboot: the host
 * is back once a new agent process answers), how long the command (and with reboot, the return) may take, and the
 * deadline given to each host's drain. status RUNNING until every host is DONE (COMPLETED) or a host failed and no
 * other is in flight any more (FAILED, failure saying where and why; the hosts after it are not touched). waiting says
 * why no further host starts yet (capacity), null when nothing holds the run. upgrade: the build a run of `berth host
 * upgrade` gives the hosts' agents instead of a command (no drain: the tasks keep running; the agent restarts as the
 * new build), null for a patch.
 */
public record PatchRun(String runId, String command, int maxUnavailable, boolean reboot, Duration commandTimeout, Duration drainDeadline, Status status,
                       Instant createdAt, Instant finishedAt, String failure, String waiting, List<PatchHost> hosts, AgentUpgradeTarget upgrade)
{
    public enum Status { RUNNING, COMPLETED, FAILED }

    public PatchRun
    {
        requireNonNull(runId, "runId is null");
        requireNonNull(command, "command is null");
        if (maxUnavailable < 1) {
            throw new IllegalArgumentException("maxUnavailable must be 1 or more, got " + maxUnavailable);
        }
        requireNonNull(commandTimeout, "commandTimeout is null");
        requireNonNull(drainDeadline, "drainDeadline is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a patch run needs a host");
        }
    }

    /** A patch: a command on each host. */
    public PatchRun(String runId, String command, int maxUnavailable, boolean reboot, Duration commandTimeout, Duration drainDeadline, Status status,
            Instant createdAt, Instant finishedAt, String failure, String waiting, List<PatchHost> hosts)
    {
        this(runId, command, maxUnavailable, reboot, commandTimeout, drainDeadline, status, createdAt, finishedAt, failure, waiting, hosts, null);
    }

    /** Whether this run upgrades the hosts' agents (no drain) rather than running a command on them. */
    public boolean upgradesAgents()
    {
        return upgrade != null;
    }

    /** The patch id of this run's command on hostId: what the agent runs it under, once. */
    public String patchId(String hostId)
    {
        return runId + "." + hostId;
    }

    public PatchHost host(String hostId)
    {
        return hosts.stream().filter(host -> host.hostId().equals(hostId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("host " + hostId + " is not in patch run " + runId));
    }

    public PatchRun withHost(PatchHost changed)
    {
        List<PatchHost> updated = new ArrayList<>(hosts.size());
        for (PatchHost host : hosts) {
            updated.add(host.hostId().equals(changed.hostId()) ? changed : host);
        }
        return new PatchRun(runId, command, maxUnavailable, reboot, commandTimeout, drainDeadline, status, createdAt, finishedAt, failure, waiting, updated, upgrade);
    }

    public PatchRun withFailure(String why)
    {
        return new PatchRun(runId, command, maxUnavailable, reboot, commandTimeout, drainDeadline, status, createdAt, finishedAt, failure == null ? why : failure,
                waiting, hosts, upgrade);
    }

    public PatchRun withWaiting(String why)
    {
        return new PatchRun(runId, command, maxUnavailable, reboot, commandTimeout, drainDeadline, status, createdAt, finishedAt, failure, why, hosts, upgrade);
    }

    public PatchRun finished(Status end, Instant now)
    {
        return new PatchRun(runId, command, maxUnavailable, reboot, commandTimeout, drainDeadline, end, createdAt, now, failure, null, hosts, upgrade);
    }

    public long inFlight()
    {
        return hosts.stream().filter(host -> host.step().inFlight()).count();
    }
}
