package io.berth.agent.patching;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.HostProcessTimeoutException;
import io.berth.agent.process.ProcessOutput;
import io.berth.agent.upgrading.AgentUpgrader;
import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;
import io.berth.common.patching.PatchCommandStatus.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Runs the operator's patch commands on this host, each once per patch id: a second start of the same id (the
 * control plane retrying after a lost answer, or after its own restart) answers how the first is going instead of
 * running the command again. A command runs as {@code /bin/sh -c} with the agent's environment plus BERTH_HOST_ID and
 * BERTH_PATCH_ID, is killed with its children at its deadline, and keeps at most {@link #MAX_OUTPUT_BYTES} of what it
 * printed. The results of the last {@link #KEPT_RESULTS} patches are kept, in memory: an agent that restarts (what a
 * patch with --reboot asks) answers UNKNOWN with a new {@link #agentInstance()}.
 */
public final class PatchCommands
{
    private static final Logger log = LoggerFactory.getLogger(PatchCommands.class);
    public static final int MAX_OUTPUT_BYTES = 64 * 1024;
    static final int KEPT_RESULTS = 16;

    private final String hostId;
    private final String agentInstance = UUID.randomUUID().toString();
    private final Map<String, PatchCommandStatus> statuses = new LinkedHashMap<>();
    /** Null when this agent cannot upgrade itself in place (the agent of `berth up`). */
    private volatile AgentUpgrader upgrader;

    public PatchCommands(String hostId)
    {
        this.hostId = requireNonNull(hostId, "hostId is null");
    }

    /** Lets the control plane upgrade this agent in place ({@link #startUpgrade}). */
    public void allowUpgrades(AgentUpgrader value)
    {
        this.upgrader = requireNonNull(value, "value is null");
    }

    /**
     * Starts an upgrade of this agent to another build unless this patch id has run here already; returns the patch's
     * status either way. When the upgrade goes through, this process becomes the new build, whose agent answers for the
     * patch (see {@link io.berth.agent.upgrading.UpgradeState}); when it fails, the patch FAILED here, saying why.
     */
    public synchronized PatchCommandStatus startUpgrade(String patchId, AgentUpgradeRequest request)
    {
        requireNonNull(patchId, "patchId is null");
        requireNonNull(request, "request is null");
        PatchCommandStatus known = statuses.get(patchId);
        if (known != null) {
            return known;
        }
        AgentUpgrader current = upgrader;
        if (current == null) {
            PatchCommandStatus refused = new PatchCommandStatus(patchId, State.FAILED, null, "this agent cannot be upgraded in place (the agent of `berth up`): "
                    + "restart it with the new build", agentInstance);
            remember(refused);
            return refused;
        }
        PatchCommandStatus running = new PatchCommandStatus(patchId, State.RUNNING, null, "installing the build " + request.build(), agentInstance);
        remember(running);
        log.info("Upgrade {} of host {}: installing the build {} (sha256 {})", patchId, hostId, request.build(), request.sha256());
        Thread.ofVirtual().name("upgrade-" + patchId).start(() -> finish(current.upgrade(patchId, request).status(agentInstance)));
        return running;
    }

    /** What this agent process answers for a patch it did not run itself: an upgrade that ended, or that runs on as this process. */
    public synchronized void record(String patchId, State state, String output)
    {
        remember(new PatchCommandStatus(patchId, state, state == State.SUCCEEDED ? Integer.valueOf(0) : null, output, agentInstance));
    }

    /** This agent process's id: drawn at its start, so a restarted agent has a new one. */
    public String agentInstance()
    {
        return agentInstance;
    }

    /** Starts the command unless this patch id has run here already; returns the patch's status either way. */
    public synchronized PatchCommandStatus start(String patchId, PatchCommandRequest request)
    {
        requireNonNull(patchId, "patchId is null");
        requireNonNull(request, "request is null");
        PatchCommandStatus known = statuses.get(patchId);
        if (known != null) {
            return known;
        }
        PatchCommandStatus running = new PatchCommandStatus(patchId, State.RUNNING, null, "", agentInstance);
        remember(running);
        log.info("Patch {} on host {}: running `{}` (deadline {} s)", patchId, hostId, request.command(), request.timeoutSeconds());
        Thread.ofVirtual().name("patch-" + patchId).start(() -> finish(run(patchId, request)));
        return running;
    }

    /** How the patch went here; UNKNOWN when this agent process has not run it. */
    public synchronized PatchCommandStatus status(String patchId)
    {
        PatchCommandStatus known = statuses.get(patchId);
        return known != null ? known : new PatchCommandStatus(patchId, State.UNKNOWN, null, "", agentInstance);
    }

    private PatchCommandStatus run(String patchId, PatchCommandRequest request)
    {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("BERTH_HOST_ID", hostId);
        environment.put("BERTH_PATCH_ID", patchId);
        // one stream, in the order the command wrote it, as an operator reads a terminal
        List<String> command = List.of("/bin/sh", "-c", "exec 2>&1\n" + request.command());
        try {
            ProcessOutput output = HostProcess.runBounded(command, environment, Duration.ofSeconds(request.timeoutSeconds()), MAX_OUTPUT_BYTES);
            State state = output.succeeded() ? State.SUCCEEDED : State.FAILED;
            log.info("Patch {} on host {}: the command exited with {}", patchId, hostId, output.exitCode());
            return new PatchCommandStatus(patchId, state, output.exitCode(), output.stdout() + output.stderr(), agentInstance);
        }
        catch (HostProcessTimeoutException e) {
            log.warn("Patch {} on host {}: {}; killed", patchId, hostId, e.getMessage());
            ProcessOutput partial = e.partialOutput();
            return new PatchCommandStatus(patchId, State.TIMED_OUT, null,
                    partial.stdout() + partial.stderr() + "\n[killed: " + e.getCause().getMessage() + "]\n", agentInstance);
        }
        catch (UncheckedIOException | IllegalArgumentException e) {
            log.warn("Patch {} on host {}: the command could not run: {}", patchId, hostId, e.getMessage());
            return new PatchCommandStatus(patchId, State.FAILED, null, "the command could not run: " + e.getMessage(), agentInstance);
        }
    }

    private synchronized void finish(PatchCommandStatus status)
    {
        remember(status);
    }

    private void remember(PatchCommandStatus status)
    {
        statuses.remove(status.patchId());
        statuses.put(status.patchId(), status);
        while (statuses.size() > KEPT_RESULTS) {
            String oldest = statuses.keySet().iterator().next();
            if (statuses.get(oldest).state() == State.RUNNING) {
                break; // a running command stays known until it ends
            }
            statuses.remove(oldest);
        }
    }
}
