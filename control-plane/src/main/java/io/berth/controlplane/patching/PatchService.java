package io.berth.controlplane.patching;

import io.berth.common.patching.PatchCommandRequest;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.events.ClusterEvents;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Starts patch runs for the operator and shows them. A run is refused (InvalidRequestException, naming what to fix)
 * for an empty or too long command, a host that has not joined, is LOST or has no agent endpoint to run the command
 * through, and while another run is RUNNING. The {@link PatchCoordinator} drives the runs.
 */
public final class PatchService
{
    private static final Logger log = LoggerFactory.getLogger(PatchService.class);
    public static final int MAX_LISTED_RUNS = 100;

    private final Store store;
    private final Clock clock;

    public PatchService(Store store, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public PatchRun start(PatchRequest request)
    {
        checkOptions(request);
        Instant now = clock.instant();
        PatchRun run = store.inTransaction(transaction -> {
            Map<String, Host> joined = transaction.hosts().all().stream().collect(Collectors.toMap(Host::hostId, Function.identity()));
            List<String> hostIds = request.all() ? joined.keySet().stream().sorted().toList() : request.hostIds();
            if (hostIds.isEmpty()) {
                throw InvalidRequestException.invalidValue("No host has joined this control plane: there is nothing to patch.");
            }
            for (String hostId : hostIds) {
                Host host = joined.get(hostId);
                if (host == null) {
                    throw InvalidRequestException.invalidValue("No host " + hostId + " has joined this control plane; `berth host ls` lists the hosts.");
                }
                if (host.state() == HostState.LOST) {
                    throw InvalidRequestException.refused("Host " + hostId + " is LOST: bring it back or remove it (`berth host rm " + hostId + "`) before a patch.");
                }
                if (host.info().agentPort() == 0 || host.info().address() == null) {
                    throw InvalidRequestException.refused("Host " + hostId + " has no agent endpoint to run the command through (the host of `berth up` has none): patch it by hand.");
                }
            }
            PatchRun created = new PatchRun(newRunId(now), request.command(), request.maxUnavailable(), request.reboot(), request.commandTimeout(),
                    request.drainDeadline(), PatchRun.Status.RUNNING, now, null, null, null, hostIds.stream().map(PatchHost::pending).toList(), request.upgrade());
            // the unique index refuses a run started by another control plane at the same moment
            String other = transaction.patchRuns().running().stream().map(PatchRun::runId).findFirst().orElse(null);
            if (other != null || !transaction.patchRuns().insert(created)) {
                throw InvalidRequestException.refused("Patch run " + (other != null ? other : "started meanwhile")
                        + " is still RUNNING: one patch at a time (`berth host patch --status` shows it).");
            }
            ClusterEvents.patch(transaction, EventType.PATCH_STARTED, created.runId(), null, "patch " + created.runId() + " started on " + hostIds.size()
                    + " host(s) " + hostIds + ", at most " + request.maxUnavailable() + " at once" + (request.reboot() && request.upgrade() == null ? ", rebooting" : "")
                    + ": " + request.command(), now);
            return created;
        });
        log.info("Patch {} started on hosts {} (at most {} at once{}): {}", run.runId(), run.hosts().stream().map(PatchHost::hostId).toList(), run.maxUnavailable(),
                run.reboot() ? ", rebooting" : "", run.command());
        return run;
    }

    private static void checkOptions(PatchRequest request)
    {
        if (request.command().isBlank()) {
            throw InvalidRequestException.invalidValue("command is empty: give the command to run on each host.");
        }
        if (request.command().length() > PatchCommandRequest.MAX_COMMAND_LENGTH) {
            throw InvalidRequestException.invalidValue("command is longer than " + PatchCommandRequest.MAX_COMMAND_LENGTH
                    + " characters: put the script on the hosts and run it by name.");
        }
        if (request.all() == !request.hostIds().isEmpty()) {
            throw InvalidRequestException.invalidValue("Name the hosts to patch, or all of them (all), not both and not neither.");
        }
        if (new HashSet<>(request.hostIds()).size() != request.hostIds().size()) {
            throw InvalidRequestException.invalidValue("hosts names a host twice: " + request.hostIds() + ".");
        }
        if (request.maxUnavailable() < 1) {
            throw InvalidRequestException.invalidValue("maxUnavailable must be 1 or more, got " + request.maxUnavailable() + ".");
        }
        if (request.commandTimeout().compareTo(java.time.Duration.ofSeconds(1)) < 0 || request.commandTimeout().compareTo(PatchRequest.MAX_COMMAND_TIMEOUT) > 0) {
            throw InvalidRequestException.invalidValue("timeoutSeconds must be 1 to " + PatchRequest.MAX_COMMAND_TIMEOUT.toSeconds() + ", got "
                    + request.commandTimeout().toSeconds() + ".");
        }
        if (request.drainDeadline().isNegative()) {
            throw InvalidRequestException.invalidValue("drainDeadlineSeconds cannot be negative, got " + request.drainDeadline().toSeconds() + ".");
        }
    }

    /** Time-ordered, so the runs list in the order they were started: patch-YYYYMMDDHHMMSS-XXXXXX. */
    private static String newRunId(Instant now)
    {
        String time = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC).format(now);
        return "patch-" + time + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    public Optional<PatchRun> find(String runId)
    {
        return store.inTransaction(transaction -> transaction.patchRuns().find(runId));
    }

    /** The newest runs, newest first. */
    public List<PatchRun> latest(int limit)
    {
        return store.inTransaction(transaction -> transaction.patchRuns().latest(Math.clamp(limit, 1, MAX_LISTED_RUNS)));
    }
}
