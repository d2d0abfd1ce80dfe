package io.berth.agent.runtime;

import io.berth.agent.logs.ContainerLogReader;
import io.berth.agent.rootfs.MountTable;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.common.agentprotocol.LogLine;
import io.berth.testing.BusyboxRootfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Runs real containers with runc and conmon; needs root, runc, conmon and busybox-static. */
class RuncConmonRuntimeIntegrationTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private Path stateDirectory;
    private Path rootfs;
    private String cgroupParent;
    private CgroupLayout cgroups;
    private RuncConmonRuntime runtime;
    private final List<Process> childJvms = new ArrayList<>();
    private OverlaySnapshotter snapshotter;

    @BeforeEach
    void setUp()
            throws IOException
    {
        stateDirectory = directory.resolve("state");
        rootfs = BusyboxRootfs.create(directory.resolve("rootfs"));
        cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
        cgroups = CgroupLayout.host();
        runtime = newRuntime();
        snapshotter = new OverlaySnapshotter(directory.resolve("snapshots"));
    }

    @AfterEach
    void tearDown()
            throws IOException
    {
        childJvms.forEach(Process::destroyForcibly);
        RuncConmonRuntime cleaner = newRuntime();
        for (String containerId : cleaner.containerIds()) {
            cleaner.delete(containerId);
        }
        for (String key : snapshotter.keys()) {
            snapshotter.remove(key);
        }
        cgroups.remove("/" + cgroupParent);
    }

    @Test
    void outputLandsInTheLogWithTimesAndStreams()
            throws Exception
    {
        runtime.start(launch("echo", "sh", "-c", "echo hello out; echo hello err >&2"));

        assertThat(awaitExit("echo").exitCode()).isZero();
        List<LogLine> lines = new ContainerLogReader().read(logFile("echo"), "web", 0, 100).lines();
        assertThat(lines).extracting(LogLine::stream, LogLine::text).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("stdout", "hello out"),
                org.assertj.core.groups.Tuple.tuple("stderr", "hello err"));
        assertThat(lines).allSatisfy(line -> assertThat(line.time()).isNotNull());
    }

    @Test
    void reportsTheExitCode()
            throws Exception
    {
        runtime.start(launch("three", "sh", "-c", "exit 3"));

        ContainerStatus.Exited exited = awaitExit("three");
        assertThat(exited.exitCode()).isEqualTo(3);
        assertThat(exited.oomKilled()).isFalse();
        assertThat(exited.finishedAt()).isNotNull();
        assertThat(runtime.containerIds()).containsExactly("three");
    }

    @Test
    void appliesEnvironmentWorkingDirectoryUserAndHostname()
            throws Exception
    {
        runtime.start(new ContainerLaunch("who", rootfs, List.of("sh", "-c", "echo \"$GREETING $(pwd) $(id -u):$(id -g) $(id -G) $(hostname) $(cat /etc/hostname)\""),
                List.of("GREETING=hi"), "/tmp", "app", "web-1", ResourceLimits.fromTaskSize(256, 128), logFile("who")));

        assertThat(awaitExit("who").exitCode()).isZero();
        assertThat(logText("who")).containsExactly("hi /tmp 1000:1000 1000 50 web-1 web-1");
    }

    @Test
    void limitsCpuAndMemoryInTheContainersCgroup()
            throws Exception
    {
        runtime.start(new ContainerLaunch("limited", rootfs, List.of("sleep", "1000"), List.of(), "/", "", "h",
                ResourceLimits.fromTaskSize(512, 256), logFile("limited")));

        String cgroupsPath = runtime.cgroupsPath("limited");
        if (cgroups.isUnified()) {
            assertThat(read(cgroups.controllerDirectory("cpu", cgroupsPath).resolve("cpu.max"))).isEqualTo("50000 100000");
            assertThat(read(cgroups.controllerDirectory("memory", cgroupsPath).resolve("memory.max"))).isEqualTo(Long.toString(256L << 20));
        }
        else {
            assertThat(read(cgroups.controllerDirectory("cpu", cgroupsPath).resolve("cpu.cfs_quota_us"))).isEqualTo("50000");
            assertThat(read(cgroups.controllerDirectory("cpu", cgroupsPath).resolve("cpu.cfs_period_us"))).isEqualTo("100000");
            assertThat(read(cgroups.controllerDirectory("memory", cgroupsPath).resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(256L << 20));
        }
        assertThat(runtime.status("limited")).get().isInstanceOf(ContainerStatus.Running.class);
    }

    @Test
    void reportsAnOomKill()
            throws Exception
    {
        // the shell keeps the whole command substitution in its own memory: 64 MiB cannot fit in 16
        runtime.start(new ContainerLaunch("hungry", rootfs, List.of("sh", "-c", "x=$(head -c 64m /dev/zero | tr '\\0' a); echo ${#x}"),
                List.of(), "/", "", "h", new ResourceLimits(100_000, 100_000, 16L << 20, 64), logFile("hungry")));

        ContainerStatus.Exited exited = awaitExit("hungry");
        assertThat(exited.exitCode()).isEqualTo(137);
        assertThat(exited.oomKilled()).isTrue();

        // the kernel's OOM counter goes with the cgroup; the verdict taken at the first look must stay
        Process runcDelete = new ProcessBuilder(RuncConmonRuntime.DEFAULT_RUNC.toString(), "--root", stateDirectory.resolve("runc").toString(), "delete", "hungry")
                .redirectErrorStream(true).start();
        assertThat(runcDelete.waitFor()).isZero();
        assertThat(cgroups.existingDirectories(runtime.cgroupsPath("hungry"))).isEmpty();
        assertThat(runtime.status("hungry")).contains(exited);
    }

    @Test
    void missingExecutableIsAClearStartFailureThatLeavesNothing()
            throws IOException
    {
        assertThatThrownBy(() -> runtime.start(launch("nope", "nope", "arg")))
                .isInstanceOf(ContainerStartException.class)
                .hasMessage("exec: \"nope\": executable file not found in $PATH");

        assertThat(runtime.containerIds()).isEmpty();
        assertThat(runtime.status("nope")).isEmpty();
        assertThat(cgroups.existingDirectories(runtime.cgroupsPath("nope"))).isEmpty();
    }

    @Test
    void unknownUserIsAClearStartFailure()
    {
        assertThatThrownBy(() -> runtime.start(new ContainerLaunch("ghost", rootfs, List.of("true"), List.of(), "/", "ghost", "h",
                ResourceLimits.fromTaskSize(256, 128), logFile("ghost"))))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("user ghost is not in the image's /etc/passwd");
        assertThat(runtime.containerIds()).isEmpty();
    }

    @Test
    void signalsReachTheContainer()
            throws Exception
    {
        runtime.start(launch("polite", "sh", "-c", "trap 'exit 143' TERM; sleep 1000 & wait"));
        runtime.start(launch("stubborn", "sleep", "1000"));
        awaitRunning("polite");
        awaitRunning("stubborn");

        runtime.signal("polite", 15);
        runtime.signal("stubborn", 9);

        assertThat(awaitExit("polite").exitCode()).isEqualTo(143);
        ContainerStatus.Exited killed = awaitExit("stubborn");
        assertThat(killed.exitCode()).isEqualTo(137);
        assertThat(killed.oomKilled()).isFalse();
        // no effect once exited
        runtime.signal("polite", 15);
    }

    /**
     * A stop sent in the first moments of a container, before its init set a handler, is not lost: the kernel drops a
     * signal to a PID namespace's init that has none, so the runtime holds it back until the init has one (tini's race).
     */
    @Test
    void aSignalSentBeforeTheInitSetItsHandlerReachesItOnceItHasOne()
            throws Exception
    {
        runtime.start(launch("settling", "sh", "-c", "sleep 0.3; trap 'exit 143' TERM; sleep 1000 & wait"));

        runtime.signal("settling", 15);

        Optional<ContainerStatus> status = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> runtime.status("settling"), found -> found.orElse(null) instanceof ContainerStatus.Exited);
        assertThat(((ContainerStatus.Exited) status.orElseThrow()).exitCode()).isEqualTo(143);

        // an init that never sets one is signalled once its start is long enough past: the signal is lost, as it would be anyway
        runtime.start(launch("plain", "sleep", "1000"));
        long sent = System.nanoTime();
        runtime.signal("plain", 15);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(5));
        assertThat(runtime.status("plain")).get().isInstanceOf(ContainerStatus.Running.class);
    }

    /**
     * The exit watch tells of each exit (once its code is there to read) and not of a running container; after it
     * is closed, of none. It may tell of an exit twice, or of conmon's temporary file for it.
     */
    @Test
    void anExitWatchTellsOfEachExitAsItHappens()
            throws Exception
    {
        BlockingQueue<String> told = new LinkedBlockingQueue<>();
        ContainerRuntime.ExitWatch watch = runtime.watchExits(told::add).orElseThrow();
        try {
            runtime.start(launch("quick", "sh", "-c", "exit 4"));
            runtime.start(launch("slow", "sh", "-c", "trap 'exit 143' TERM; sleep 1000 & wait"));
            awaitRunning("slow");
            assertThat(nextContainerTold(told)).isEqualTo("quick");
            // when told, the exit is recorded with its code
            assertThat(runtime.status("quick")).get().isInstanceOfSatisfying(ContainerStatus.Exited.class, exited -> assertThat(exited.exitCode()).isEqualTo(4));
            assertThat(told).doesNotContain("slow");

            runtime.signal("slow", 15);
            String next = nextContainerTold(told);
            while ("quick".equals(next)) {
                next = nextContainerTold(told);
            }
            assertThat(next).isEqualTo("slow");
            assertThat(runtime.status("slow")).get().isInstanceOfSatisfying(ContainerStatus.Exited.class, exited -> assertThat(exited.exitCode()).isEqualTo(143));
        }
        finally {
            watch.close();
        }
        told.clear();
        runtime.start(launch("unwatched", "sh", "-c", "exit 0"));
        awaitExit("unwatched");
        assertThat(told).isEmpty();
    }

    /**
     * The next container told of, past any name that is no container of this runtime's: conmon's temporary exit files
     * (NAME.XXXXXX, renamed to NAME once written), which the runtime lists too while they exist, and a busy machine
     * leaves them long enough to be listed. The containers of these tests have no dot in their names.
     */
    private String nextContainerTold(BlockingQueue<String> told)
            throws InterruptedException
    {
        while (true) {
            String name = told.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            if (name == null || !name.contains(".") && runtime.containerIds().contains(name)) {
                return name;
            }
        }
    }

    @Test
    void aCreatedContainerIsStartedThroughItsStartFifoWithoutARuncStartProcess()
            throws Exception
    {
        Path commands = useRecordingRunc();

        runtime.start(launch("fifo", "sh", "-c", "echo started; while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 4"));

        await().atMost(PATIENCE).until(() -> logText("fifo").contains("started"));
        assertThat(Files.readAllLines(commands)).anyMatch(line -> line.contains(" create ")).noneMatch(line -> line.contains(" start "));
        assertThat(stateDirectory.resolve("runc/fifo/exec.fifo")).as("runc reports a container with its FIFO as created").doesNotExist();
        Process state = new ProcessBuilder(RuncConmonRuntime.DEFAULT_RUNC.toString(), "--root", stateDirectory.resolve("runc").toString(), "state", "fifo")
                .redirectErrorStream(true).start();
        assertThat(state.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(state.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("\"status\": \"running\"");
        Files.writeString(rootfs.resolve("tmp/go"), "");
        assertThat(awaitExit("fifo").exitCode()).isEqualTo(4);
    }

    @Test
    void aStopSignalsTheInitAndTheDeleteOfAnExitedContainerRemovesItWithoutRunc()
            throws Exception
    {
        Path commands = useRecordingRunc();
        runtime.start(launch("stopped", "sh", "-c", "trap 'exit 9' TERM; echo started; while true; do sleep 0.1; done"));
        await().atMost(PATIENCE).until(() -> logText("stopped").contains("started"));
        int conmonPid = Integer.parseInt(Files.readString(stateDirectory.resolve("bundles/stopped/conmon.pid")).strip());
        List<String> beforeTheStop = Files.readAllLines(commands);

        runtime.signal("stopped", 15);
        assertThat(awaitExit("stopped").exitCode()).isEqualTo(9);
        runtime.delete("stopped");

        assertThat(Files.readAllLines(commands)).as("runc commands of the stop and the delete").isEqualTo(beforeTheStop);
        assertThat(runtime.status("stopped")).isEmpty();
        assertThat(cgroups.existingDirectories(runtime.cgroupsPath("stopped"))).isEmpty();
        assertThat(processIsLive(conmonPid)).isFalse();
        assertThat(stateDirectory.resolve("runc/stopped")).doesNotExist();
        assertThat(stateDirectory.resolve("bundles/stopped")).doesNotExist();
        assertThat(stateDirectory.resolve("exits/stopped")).doesNotExist();
        // runc itself finds nothing of it
        Process list = new ProcessBuilder(RuncConmonRuntime.DEFAULT_RUNC.toString(), "--root", stateDirectory.resolve("runc").toString(), "list", "-q")
                .redirectErrorStream(true).start();
        assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).doesNotContain("stopped");
    }

    @Test
    void aNewRuntimeOverTheSameStateFindsRunningContainersAndTheirExit()
            throws Exception
    {
        runtime.start(launch("survivor", "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 1; done; exit 7"));
        awaitRunning("survivor");
        runtime = null;

        RuncConmonRuntime restarted = newRuntime();
        assertThat(restarted.containerIds()).containsExactly("survivor");
        assertThat(restarted.status("survivor")).get().isInstanceOf(ContainerStatus.Running.class);

        Files.writeString(rootfs.resolve("tmp/go"), "");
        assertThat(awaitExit(restarted, "survivor").exitCode()).isEqualTo(7);
    }

    @Test
    void containersOutliveTheJvmThatStartedThem()
            throws Exception
    {
        String javaBinary = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"), RuntimeStarterMain.class.getName(),
                stateDirectory.toString(), cgroupParent, rootfs.toString(), logFile("orphan").toString(), "orphan",
                "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 1; done; echo done; exit 5")
                .redirectErrorStream(true)
                .start();
        childJvms.add(child);
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(output.lines().filter(line -> line.equals("started") || !child.isAlive()).findFirst()).contains("started");
        }
        child.destroyForcibly().waitFor();

        assertThat(runtime.status("orphan")).get().isInstanceOf(ContainerStatus.Running.class);
        Files.writeString(rootfs.resolve("tmp/go"), "");
        assertThat(awaitExit("orphan").exitCode()).isEqualTo(5);
        assertThat(logText("orphan")).containsExactly("done");
    }

    @Test
    void deleteLeavesNothingBehindAndIsIdempotent()
            throws Exception
    {
        runtime.start(launch("doomed", "sleep", "1000"));
        awaitRunning("doomed");
        int conmonPid = Integer.parseInt(Files.readString(stateDirectory.resolve("bundles/doomed/conmon.pid")).strip());
        int containerPid = ((ContainerStatus.Running) runtime.status("doomed").orElseThrow()).pid();

        runtime.delete("doomed");
        runtime.delete("doomed");

        assertThat(runtime.status("doomed")).isEmpty();
        assertThat(runtime.containerIds()).isEmpty();
        assertThat(cgroups.existingDirectories(runtime.cgroupsPath("doomed"))).isEmpty();
        assertThat(processIsLive(conmonPid)).as("conmon %s", conmonPid).isFalse();
        assertThat(processIsLive(containerPid)).as("container init %s", containerPid).isFalse();
        assertThat(stateDirectory.resolve("runc/doomed")).doesNotExist();
        assertThat(stateDirectory.resolve("bundles/doomed")).doesNotExist();
        assertThat(stateDirectory.resolve("exits/doomed")).doesNotExist();
        runtime.delete("never-existed");
    }

    @Test
    void containerWritesOnAnOverlayNeverTouchTheLayers()
            throws Exception
    {
        Path top = Files.createDirectories(directory.resolve("layer-top/etc"));
        Files.writeString(top.resolve("motd"), "from the top layer\n");
        Path container = snapshotter.prepare("overlaid", List.of(rootfs, top.getParent()));
        runtime.start(new ContainerLaunch("overlaid", container, List.of("sh", "-c", "cat /etc/motd; echo changed > /etc/motd; echo new > /created; rm /bin/seq"),
                List.of(), "/", "", "h", ResourceLimits.fromTaskSize(256, 128), logFile("overlaid")));

        assertThat(awaitExit("overlaid").exitCode()).isZero();
        assertThat(logText("overlaid")).containsExactly("from the top layer");
        assertThat(Files.readString(top.resolve("motd"))).isEqualTo("from the top layer\n");
        assertThat(rootfs.resolve("created")).doesNotExist();
        assertThat(rootfs.resolve("bin/seq")).exists();
        assertThat(Files.readString(directory.resolve("snapshots/overlaid/upper/created"))).isEqualTo("new\n");

        runtime.delete("overlaid");
        snapshotter.remove("overlaid");
        assertThat(new MountTable().mountPointsUnder(directory.resolve("snapshots"))).isEmpty();
    }

    @Test
    void containersHaveTheirOwnPidAndNetworkNamespaces()
            throws Exception
    {
        runtime.start(launch("isolated", "sh", "-c", "ls /proc | grep -c '^[0-9]'; cat /proc/net/dev"));

        assertThat(awaitExit("isolated").exitCode()).isZero();
        List<String> output = logText("isolated");
        // sh, ls and grep at most: the host's processes are not visible
        assertThat(Integer.parseInt(output.getFirst().strip())).isBetween(1, 4);
        List<String> interfaces = output.stream().filter(line -> line.contains(":")).map(line -> line.substring(0, line.indexOf(':')).strip()).toList();
        assertThat(interfaces).containsExactly("lo");
    }

    @Test
    void containersRunWithNarrowedPrivileges()
            throws Exception
    {
        runtime.start(new ContainerLaunch("narrow", rootfs, List.of("sh", "-c", "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status"),
                List.of(), "/", "app", "h", ResourceLimits.fromTaskSize(256, 128), logFile("narrow")));
        runtime.start(launch("narrow-root", "sh", "-c", "grep -E '^(CapEff|CapBnd):' /proc/self/status"));

        assertThat(awaitExit("narrow").exitCode()).isZero();
        assertThat(logText("narrow")).containsExactly("CapEff:\t0000000000000000", "NoNewPrivs:\t1", "Seccomp:\t2");
        assertThat(awaitExit("narrow-root").exitCode()).isZero();
        // Docker's default set: chown, dac_override, fowner, fsetid, kill, setgid, setuid, setpcap,
        // net_bind_service, net_raw, sys_chroot, mknod, audit_write, setfcap
        assertThat(logText("narrow-root")).containsExactly("CapEff:\t00000000a80425fb", "CapBnd:\t00000000a80425fb");
    }

    /** Runs this test's runtime over a runc that writes down each of its commands before it runs it; returns that list's file. */
    private Path useRecordingRunc()
            throws IOException
    {
        Path commands = directory.resolve("runc-commands");
        Path recordingRunc = directory.resolve("recording-runc");
        Files.writeString(recordingRunc, "#!/bin/sh\necho \"$*\" >> " + commands + "\nexec " + RuncConmonRuntime.DEFAULT_RUNC + " \"$@\"\n");
        assertThat(recordingRunc.toFile().setExecutable(true)).isTrue();
        runtime = new RuncConmonRuntime(stateDirectory, recordingRunc, RuncConmonRuntime.DEFAULT_CONMON, cgroupParent, Clock.systemUTC());
        return commands;
    }

    private RuncConmonRuntime newRuntime()
    {
        return new RuncConmonRuntime(stateDirectory, RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON, cgroupParent, Clock.systemUTC());
    }

    private ContainerLaunch launch(String containerId, String... args)
    {
        return new ContainerLaunch(containerId, rootfs, List.of(args), List.of(), "/", "", "h", ResourceLimits.fromTaskSize(256, 128), logFile(containerId));
    }

    private Path logFile(String containerId)
    {
        return directory.resolve("logs").resolve(containerId + ".log");
    }

    private List<String> logText(String containerId)
            throws IOException
    {
        return new ContainerLogReader().read(logFile(containerId), containerId, 0, 1000).lines().stream().map(LogLine::text).toList();
    }

    private void awaitRunning(String containerId)
    {
        await().atMost(PATIENCE).until(() -> runtime.status(containerId), status -> status.orElse(null) instanceof ContainerStatus.Running);
    }

    private ContainerStatus.Exited awaitExit(String containerId)
    {
        return awaitExit(runtime, containerId);
    }

    private static ContainerStatus.Exited awaitExit(ContainerRuntime runtime, String containerId)
    {
        Optional<ContainerStatus> status = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> runtime.status(containerId), found -> found.orElse(null) instanceof ContainerStatus.Exited);
        return (ContainerStatus.Exited) status.orElseThrow();
    }

    private static String read(Path file)
            throws IOException
    {
        return Files.readString(file).strip();
    }

    private static boolean processIsLive(int pid)
    {
        Path stat = Path.of("/proc", Integer.toString(pid), "stat");
        try {
            String content = Files.readString(stat);
            return !content.substring(content.lastIndexOf(')') + 1).strip().startsWith("Z");
        }
        catch (IOException e) {
            return false;
        }
    }
}
