package io.berth.agent.runtime;

import io.berth.common.agentprotocol.IsolationTier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The host's runtimes, one per isolation tier it offers, behind one {@link ContainerRuntime}: a container starts
 * with the runtime of its launch's tier, and every later call goes to the runtime whose state directory holds the
 * container, so the task lifecycle (monitor, logs, metering, exits, adoption after a restart) is the same code for
 * every tier.
 */
public final class TieredRuntime
        implements ContainerRuntime
{
    private final Map<IsolationTier, RuncConmonRuntime> runtimes;
    /**
     * The runtime found holding each container: a container never moves between tiers, and asking every runtime's state
     * directory again (a stat or three each) on every look at a running task and every usage reading was a good part of
     * an idle host's work. Forgotten when the container is deleted through this runtime.
     */
    private final Map<String, RuncConmonRuntime> owners = new ConcurrentHashMap<>();

    /** @param runtimes the runtime of each tier the host offers; the container tier is required */
    public TieredRuntime(List<RuncConmonRuntime> runtimes)
    {
        Map<IsolationTier, RuncConmonRuntime> byTier = new EnumMap<>(IsolationTier.class);
        for (RuncConmonRuntime runtime : runtimes) {
            if (byTier.put(runtime.runtime().tier(), runtime) != null) {
                throw new IllegalArgumentException("two runtimes for isolation " + runtime.runtime().tier().wireName());
            }
        }
        if (!byTier.containsKey(IsolationTier.CONTAINER)) {
            throw new IllegalArgumentException("a host needs a runtime for isolation container");
        }
        this.runtimes = byTier;
    }

    /** The tiers this host can run containers at. */
    public Set<IsolationTier> tiers()
    {
        return Set.copyOf(runtimes.keySet());
    }

    @Override
    public void start(ContainerLaunch launch)
            throws ContainerStartException
    {
        RuncConmonRuntime runtime = runtimes.get(launch.isolation());
        if (runtime == null) {
            throw new ContainerStartException("this host has no runtime for isolation " + launch.isolation().wireName()
                    + (launch.isolation() == IsolationTier.SANDBOX ? " (install Debian's runsc and restart the agent, or give its path with --runsc)" : ""));
        }
        for (RuncConmonRuntime other : runtimes.values()) {
            if (other != runtime && other.holds(launch.containerId())) {
                throw new ContainerStartException("container " + launch.containerId() + " already exists under " + other.runtime().name());
            }
        }
        runtime.start(launch);
    }

    @Override
    public Optional<ContainerStatus> status(String containerId)
    {
        Optional<ContainerStatus> status = owner(containerId).flatMap(runtime -> runtime.status(containerId));
        if (status.isEmpty()) {
            // gone (removed another way than delete, or a look raced a delete): ask every runtime again next time
            owners.remove(containerId);
        }
        return status;
    }

    @Override
    public void signal(String containerId, int signal)
    {
        owner(containerId).ifPresent(runtime -> runtime.signal(containerId, signal));
    }

    @Override
    public void delete(String containerId)
    {
        Optional<RuncConmonRuntime> owner = owner(containerId);
        if (owner.isPresent()) {
            try {
                owner.get().delete(containerId);
            }
            finally {
                // a delete that failed part way leaves state that a later look finds again
                owners.remove(containerId);
            }
            return;
        }
        // nothing in any state directory; a cgroup may still be left from a start cut short, which delete removes
        runtimes.get(IsolationTier.CONTAINER).delete(containerId);
    }

    @Override
    public Optional<ContainerUsage> usage(String containerId)
    {
        // every runtime puts a container (for runsc: its whole sandbox) in the same cgroup path
        return owner(containerId).orElse(runtimes.get(IsolationTier.CONTAINER)).usage(containerId);
    }

    @Override
    public ExecResult exec(String containerId, List<String> arguments, Duration timeout)
    {
        return owner(containerId)
                .map(runtime -> runtime.exec(containerId, arguments, timeout))
                .orElseGet(() -> new ExecResult(RuncConmonRuntime.UNKNOWN_EXIT_CODE, "container " + containerId + " does not exist", false));
    }

    @Override
    public List<String> containerIds()
    {
        TreeSet<String> ids = new TreeSet<>();
        runtimes.values().forEach(runtime -> ids.addAll(runtime.containerIds()));
        return new ArrayList<>(ids);
    }

    /** Every tier's exits, or none when one tier cannot tell of them (its containers must be looked at often). */
    @Override
    public Optional<ExitWatch> watchExits(Consumer<String> exited)
    {
        List<ExitWatch> watches = new ArrayList<>();
        for (RuncConmonRuntime runtime : runtimes.values()) {
            Optional<ExitWatch> watch = runtime.watchExits(exited);
            if (watch.isEmpty()) {
                watches.forEach(ExitWatch::close);
                return Optional.empty();
            }
            watches.add(watch.get());
        }
        return Optional.of(() -> watches.forEach(ExitWatch::close));
    }

    /** Removes the agent's cgroup parent once no runtime holds a container. */
    public void removeCgroupParent()
    {
        if (containerIds().isEmpty()) {
            // every runtime shares the agent's cgroup parent
            runtimes.get(IsolationTier.CONTAINER).removeCgroupParent();
        }
    }

    private Optional<RuncConmonRuntime> owner(String containerId)
    {
        requireNonNull(containerId, "containerId is null");
        RuncConmonRuntime known = owners.get(containerId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<RuncConmonRuntime> found = runtimes.values().stream().filter(runtime -> runtime.holds(containerId)).findFirst();
        found.ifPresent(runtime -> owners.put(containerId, runtime));
        return found;
    }
}
