package io.berth.agent.metering;

import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.agent.runtime.ContainerStartException;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.ContainerUsage;
import io.berth.agent.runtime.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * A runtime that takes each container's last usage reading just before deleting it: delete removes the
 * cgroup, and with it the counters, so this is the only moment the final CPU time can be read. Everything
 * else goes straight to the runtime it wraps.
 */
public final class MeteredRuntime
        implements ContainerRuntime
{
    private static final Logger log = LoggerFactory.getLogger(MeteredRuntime.class);

    private final ContainerRuntime runtime;
    private final UsageLedger ledger;
    private final Clock clock;

    public MeteredRuntime(ContainerRuntime runtime, UsageLedger ledger, Clock clock)
    {
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Reads the container's counters into the ledger; nothing happens when its cgroup is gone. */
    public void sample(String containerId)
    {
        sample(containerId, false);
    }

    private void sample(String containerId, boolean last)
    {
        try {
            Optional<ContainerUsage> usage = runtime.usage(containerId);
            Instant at = clock.instant();
            usage.ifPresent(reading -> {
                if (last) {
                    ledger.recordLast(containerId, reading, at);
                }
                else {
                    ledger.record(containerId, reading, at);
                }
            });
        }
        catch (RuntimeException e) {
            log.warn("cannot read the usage of container {}: {}", containerId, e.getMessage());
        }
    }

    @Override
    public void start(ContainerLaunch launch)
            throws ContainerStartException
    {
        runtime.start(launch);
    }

    @Override
    public Optional<ContainerStatus> status(String containerId)
    {
        return runtime.status(containerId);
    }

    @Override
    public void signal(String containerId, int signal)
    {
        runtime.signal(containerId, signal);
    }

    @Override
    public Optional<ContainerUsage> usage(String containerId)
    {
        return runtime.usage(containerId);
    }

    @Override
    public void delete(String containerId)
    {
        sample(containerId, true);
        runtime.delete(containerId);
    }

    @Override
    public ExecResult exec(String containerId, List<String> arguments, Duration timeout)
    {
        return runtime.exec(containerId, arguments, timeout);
    }

    @Override
    public List<String> containerIds()
    {
        return runtime.containerIds();
    }

    @Override
    public Optional<ExitWatch> watchExits(Consumer<String> exited)
    {
        return runtime.watchExits(exited);
    }
}
