package io.berth.cli.agent;

import io.berth.agent.upgrading.PendingUpgrade;
import io.berth.agent.upgrading.ProcessImage;
import io.berth.agent.upgrading.UpgradeState;
import io.berth.cli.BerthVersion;
import io.berth.cli.up.DataDirectoryLock;
import io.berth.common.patching.PatchCommandStatus.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The two ends of `berth agent`'s upgrade in place, on the side of the process: the handover (the old agent closes, its
 * containers left running, and the process execs the new build) and the trial (the new agent must start and sync with
 * the control plane before the upgrade's deadline; otherwise the process execs the old build again, which says that
 * the upgrade was rolled back and why).
 */
final class UpgradeTrial
{
    private static final Logger log = LoggerFactory.getLogger(UpgradeTrial.class);
    /** The least time a new build gets to start and sync, however much of the deadline the install took. */
    static final Duration MINIMUM_TRIAL = Duration.ofSeconds(20);

    private final UpgradeState state;
    private final Clock clock;

    UpgradeTrial(Path dataDirectory, Clock clock)
    {
        this.state = new UpgradeState(dataDirectory.resolve(AgentNode.UPGRADE_DIRECTORY));
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The upgrade this process is the new build of, if any. A trial left by a build other than this one (the process was
     * started again with the old build, by hand or by a supervisor, before the new one synced) is over: it failed.
     */
    Optional<PendingUpgrade> pending()
            throws IOException
    {
        Optional<PendingUpgrade> pending = state.pending();
        if (pending.isPresent() && !pending.get().toVersion().equals(BerthVersion.current())) {
            PendingUpgrade stale = pending.get();
            state.end(new UpgradeState.Outcome(stale.patchId(), State.FAILED, "build " + stale.toVersion() + " did not come back: the agent was started again with build "
                    + BerthVersion.current() + " before it synced with the control plane"));
            log.warn("Upgrade {}: build {} did not come back; this agent runs build {}", stale.patchId(), stale.toVersion(), BerthVersion.current());
            return Optional.empty();
        }
        return pending;
    }

    /** Waits for the new agent's first sync; on success the upgrade is done, otherwise it is rolled back (this method then does not return). */
    void await(PendingUpgrade pending, AgentNode node, DataDirectoryLock lock)
            throws IOException, InterruptedException
    {
        Instant deadline = pending.deadline().isAfter(clock.instant().plus(MINIMUM_TRIAL)) ? pending.deadline() : clock.instant().plus(MINIMUM_TRIAL);
        try {
            node.agent().firstSync().get(Math.max(1, Duration.between(clock.instant(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException | ExecutionException e) {
            rollBack(pending, node, lock, "it did not sync with the control plane by " + deadline);
        }
        String done = "upgraded from build " + pending.fromVersion() + " to build " + pending.toVersion() + "; the containers kept running";
        state.end(new UpgradeState.Outcome(pending.patchId(), State.SUCCEEDED, done));
        node.patchCommands().record(pending.patchId(), State.SUCCEEDED, done);
        log.info("Upgrade {} of host {}: {}", pending.patchId(), node.hostId(), done);
    }

    /** The new build failed its trial: record why, close what it opened (node null when it was not even made), and exec the old build's command line again. */
    void rollBack(PendingUpgrade pending, AgentNode node, DataDirectoryLock lock, String why)
    {
        String message = "build " + pending.toVersion() + " did not come back (" + why + "); rolled back to build " + pending.fromVersion();
        log.error("Upgrade {}: {}", pending.patchId(), message);
        try {
            state.end(new UpgradeState.Outcome(pending.patchId(), State.FAILED, message));
        }
        catch (IOException e) {
            log.error("Upgrade {}: cannot record the rollback: {}", pending.patchId(), e.toString());
        }
        try {
            if (node != null) {
                node.close();
            }
        }
        catch (RuntimeException | LinkageError e) {
            log.warn("Upgrade {}: closing the new agent failed: {}", pending.patchId(), e.toString());
        }
        try {
            lock.close();
        }
        catch (IOException e) {
            log.warn("Upgrade {}: releasing the data directory's lock failed (the exec releases it): {}", pending.patchId(), e.toString());
        }
        exec(pending.previousCommand());
    }

    /** The old agent's side: close it (the containers keep running) and become the new build; on failure, start the old build again. */
    void handOver(AgentNode node, DataDirectoryLock lock, List<String> command)
            throws IOException
    {
        List<String> current = ProcessImage.commandLine();
        node.close();
        lock.close();
        try {
            ProcessImage.replace(ProcessImage.javaBinary(), command);
        }
        catch (IOException e) {
            Optional<PendingUpgrade> pending = state.pending();
            if (pending.isPresent()) {
                state.end(new UpgradeState.Outcome(pending.get().patchId(), State.FAILED, "the new build could not be started: " + e.getMessage()
                        + "; the agent goes on with build " + BerthVersion.current()));
            }
            log.error("Upgrade: cannot exec the new build: {}; starting this build again", e.getMessage());
            exec(current);
        }
    }

    /** Becomes command; a process that cannot exec its own java again has nothing left to run: it exits for its supervisor to restart. */
    private static void exec(List<String> command)
    {
        try {
            ProcessImage.replace(ProcessImage.javaBinary(), command);
        }
        catch (IOException e) {
            log.error("cannot exec {}: {}; exiting", command.getFirst(), e.getMessage());
        }
        Runtime.getRuntime().halt(75);
    }
}
