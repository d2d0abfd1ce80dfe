package io.berth.agent.upgrading;

import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandStatus.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Upgrades this agent in place: installs the new build ({@link AgentBuilds}: fetched, its SHA-256 checked, unpacked,
 * started once to say its version), records the trial ({@link UpgradeState#begin}) with this process's command line for
 * a rollback, and hands over: the {@link Handover} closes the agent (its containers keep running) and execs the new
 * build with the same arguments. The builds kept are the new one and the running one (the rollback's).
 */
public final class AgentUpgrader
{
    private static final Logger log = LoggerFactory.getLogger(AgentUpgrader.class);

    /** Closes this agent and replaces the process with command; returns only if that could not be done. */
    @FunctionalInterface
    public interface Handover
    {
        void handOver(List<String> command)
                throws IOException;
    }

    private final String hostId;
    private final String runningVersion;
    private final AgentBuilds builds;
    private final UpgradeState state;
    private final CommandLineSource commandLine;
    private final Handover handover;
    private final Clock clock;

    /** This process's command line (a seam for tests: the real one is {@link ProcessImage#commandLine()}). */
    @FunctionalInterface
    public interface CommandLineSource
    {
        List<String> commandLine()
                throws IOException;
    }

    public AgentUpgrader(String hostId, String runningVersion, AgentBuilds builds, UpgradeState state, CommandLineSource commandLine, Handover handover, Clock clock)
    {
        this.hostId = requireNonNull(hostId, "hostId is null");
        this.runningVersion = requireNonNull(runningVersion, "runningVersion is null");
        this.builds = requireNonNull(builds, "builds is null");
        this.state = requireNonNull(state, "state is null");
        this.commandLine = requireNonNull(commandLine, "commandLine is null");
        this.handover = requireNonNull(handover, "handover is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Upgrades, and when that goes through, this process is the new build and never comes back here: the result is a failure. */
    public UpgradeState.Outcome upgrade(String patchId, AgentUpgradeRequest request)
    {
        Instant deadline = clock.instant().plusSeconds(request.timeoutSeconds());
        List<String> current;
        List<String> next;
        AgentBuild build;
        try {
            current = commandLine.commandLine();
            String currentClassPath = ProcessImage.classPath(current);
            build = builds.install(request, deadline);
            next = ProcessImage.withClassPath(current, build.classPathArgument());
            state.begin(new PendingUpgrade(patchId, runningVersion, build.version(), current, deadline));
            List<Path> kept = new ArrayList<>(List.of(build.directory()));
            if (currentClassPath != null) {
                for (String entry : currentClassPath.split(":")) {
                    kept.add(Path.of(entry));
                }
            }
            builds.removeAllBut(kept);
        }
        catch (AgentUpgradeException | IOException | IllegalArgumentException e) {
            log.warn("Upgrade {} of host {}: {}; the agent goes on with build {}", patchId, hostId, e.getMessage(), runningVersion);
            return new UpgradeState.Outcome(patchId, State.FAILED, "the upgrade failed: " + e.getMessage() + "; the agent goes on with build " + runningVersion);
        }
        log.info("Upgrade {} of host {}: handing over from build {} to build {} ({}); the containers keep running", patchId, hostId, runningVersion,
                build.version(), build.directory());
        try {
            handover.handOver(next);
            throw new IOException("the agent was not replaced");
        }
        catch (IOException | RuntimeException e) {
            String why = "the new build could not be started: " + e.getMessage() + "; the agent goes on with build " + runningVersion;
            UpgradeState.Outcome outcome = new UpgradeState.Outcome(patchId, State.FAILED, why);
            try {
                state.end(outcome);
            }
            catch (IOException ignored) {
                log.warn("Upgrade {} of host {}: cannot record its end in the data directory: {}", patchId, hostId, ignored.toString());
            }
            log.error("Upgrade {} of host {}: {}", patchId, hostId, why);
            return outcome;
        }
    }
}
