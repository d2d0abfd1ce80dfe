package io.berth.benchmarks;

import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerStartException;
import io.berth.agent.runtime.OciRuntime;
import io.berth.agent.runtime.OciSpecBuilder;
import io.berth.agent.runtime.ResourceLimits;
import io.berth.common.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A workload's own run time (busybox {@code time -p}, measured inside, so a runtime's start and stop do not count)
 * on the host and in a container of each tier: the agent's OCI spec (with its seccomp profile and 1 vCPU) run by
 * the tier's runtime with the agent's options, on the benchmark's busybox rootfs. The host runs the same static
 * busybox binary (its own sh, never the host's /bin/sh).
 */
final class WorkloadRuns
{
    /** Pure user-space CPU: a shell loop that makes no system call. */
    static final Workload CPU_BOUND = new Workload("CPU-bound (shell loop, 300k iterations)", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done");
    /** A system call per byte: dd reads and writes one byte 50k times (100k system calls). */
    static final Workload SYSCALL_HEAVY = new Workload("syscall-heavy (dd bs=1, 100k read+write)", "busybox dd if=/dev/zero of=/dev/null bs=1 count=50000 2>/dev/null");

    record Workload(String name, String script) {}

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern REAL = Pattern.compile("(?m)^real (\\d+(?:\\.\\d+)?)$");
    private static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    private final Path scratch;
    private final Path rootfs;
    private final OciSpecBuilder specs;
    private int runs;

    WorkloadRuns(CleanupStack cleanup, Path scratch, Path rootfs, String cgroupParent)
            throws IOException
    {
        this.scratch = Files.createDirectories(requireNonNull(scratch, "scratch is null").resolve("workloads"));
        this.rootfs = requireNonNull(rootfs, "rootfs is null");
        this.specs = new OciSpecBuilder(cgroupParent, CgroupLayout.host());
        cleanup.push("workload scratch", () -> io.berth.common.files.FileTrees.deleteRecursively(this.scratch));
    }

    /** The workload's run time on the host itself. */
    Duration onHost(Workload workload)
            throws IOException, InterruptedException
    {
        return realTime(List.of(HOST_BUSYBOX.toString(), "time", "-p", HOST_BUSYBOX.toString(), "sh", "-c", workload.script()), workload);
    }

    /** The workload's run time in a container run by the runtime (foreground `run`, deleted when it ends). */
    Duration inContainer(OciRuntime runtime, Workload workload)
            throws IOException, InterruptedException
    {
        String containerId = "bench-workload-" + runtime.name() + "-" + (runs++);
        Path bundle = Files.createDirectories(scratch.resolve(containerId));
        Path root = Files.createDirectories(scratch.resolve(runtime.name() + "-root"));
        Path hosts = Files.writeString(bundle.resolve("hosts"), "127.0.0.1\tlocalhost\n");
        Path hostname = Files.writeString(bundle.resolve("hostname"), "workload\n");
        ContainerLaunch launch = new ContainerLaunch(containerId, rootfs, List.of("/bin/busybox", "time", "-p", "/bin/busybox", "sh", "-c", workload.script()),
                List.of("PATH=/bin:/usr/bin"), "/", null, "workload", ResourceLimits.fromTaskSize(1024, 512), bundle.resolve("unused.log"));
        try {
            Files.writeString(bundle.resolve("config.json"), Json.mapper().writeValueAsString(specs.build(launch, hosts, hostname)));
        }
        catch (ContainerStartException e) {
            throw new IOException("cannot build the OCI spec: " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of(runtime.binary().toString()));
        command.addAll(runtime.globalArguments());
        command.addAll(List.of("--root", root.toString(), "run", "--bundle", bundle.toString(), containerId));
        try {
            return realTime(command, workload);
        }
        finally {
            List<String> delete = new ArrayList<>(List.of(runtime.binary().toString()));
            delete.addAll(runtime.globalArguments());
            delete.addAll(List.of("--root", root.toString(), "delete", "--force", containerId));
            HostCommands.run(delete, bundle.resolve("delete.out"), Duration.ofSeconds(30));
        }
    }

    private Duration realTime(List<String> command, Workload workload)
            throws IOException, InterruptedException
    {
        HostCommands.Result result = HostCommands.run(command, scratch.resolve("workload.out"), TIMEOUT);
        Matcher real = REAL.matcher(result.output());
        if (result.exitCode() != 0 || !real.find()) {
            throw new IOException(workload.name() + " failed with " + String.join(" ", command.subList(0, Math.min(3, command.size()))) + " (" + result.exitCode() + "): "
                    + result.output().strip());
        }
        return Duration.ofNanos(Math.round(Double.parseDouble(real.group(1)) * 1e9));
    }
}
