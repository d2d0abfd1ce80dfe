package io.berth.agent.runtime;

import io.berth.agent.logs.ContainerLogReader;
import io.berth.agent.rootfs.MountTable;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.UserNamespaces;
import io.berth.common.agentprotocol.LogLine;
import io.berth.testing.BusyboxRootfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Containers in user namespaces with real runc, conmon and overlayfs over idmapped layers; needs root, runc,
 * conmon, busybox-static, unshare and nsenter.
 */
class UserNamespaceIntegrationTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final IdMapping MAPPING = new IdMapping((1L << 30) + 7 * 65536, 65536);

    @TempDir
    Path directory;

    private Path image;
    private String cgroupParent;
    private RuncConmonRuntime runtime;
    private OverlaySnapshotter snapshotter;
    private String networkNamespace;

    @BeforeEach
    void setUp()
            throws IOException
    {
        // container root must be able to search the way to its root filesystem, as under an agent's data directory
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        image = BusyboxRootfs.create(directory.resolve("image"));
        Path home = image.resolve("home/app");
        Files.writeString(home.resolve("notes"), "mine\n");
        for (Path path : List.of(home, home.resolve("notes"))) {
            Files.setAttribute(path, "unix:uid", BusyboxRootfs.APP_UID);
            Files.setAttribute(path, "unix:gid", BusyboxRootfs.APP_GID);
        }
        Files.setPosixFilePermissions(image.resolve("root"), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(image.resolve("bin/chown"), Path.of("busybox"));
        cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
        runtime = new RuncConmonRuntime(directory.resolve("state"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON, cgroupParent, Clock.systemUTC());
        snapshotter = new OverlaySnapshotter(directory.resolve("snapshots"));
    }

    @AfterEach
    void tearDown()
            throws Exception
    {
        for (String containerId : runtime.containerIds()) {
            runtime.delete(containerId);
        }
        for (String key : snapshotter.keys()) {
            snapshotter.remove(key);
        }
        CgroupLayout.host().remove("/" + cgroupParent);
        if (networkNamespace != null) {
            run("ip", "netns", "del", networkNamespace);
        }
    }

    @Test
    void containerRootIsAnUnprivilegedHostUidThatOwnsTheImagesRootFiles()
            throws Exception
    {
        Path rootfs = snapshotter.prepare("mapped", List.of(image), MAPPING);
        runtime.start(launch("mapped", rootfs, null, """
                cat /proc/self/uid_map /proc/self/gid_map
                ls -ln /etc/passwd /home/app/notes
                echo 'extra:x:2000:2000::/:/bin/sh' >> /etc/passwd && echo passwd-written
                touch /root/created && echo root-written
                touch /home/app/other && chown 1000:1000 /home/app/other && echo chowned
                """));

        assertThat(awaitExit("mapped").exitCode()).isZero();
        List<String> output = logText("mapped");
        assertThat(output.get(0).trim().split("\\s+")).containsExactly("0", Long.toString(MAPPING.hostId()), "65536");
        assertThat(output.get(1).trim().split("\\s+")).containsExactly("0", Long.toString(MAPPING.hostId()), "65536");
        assertThat(output).anyMatch(line -> line.matches("-rw-r--r-- +1 0 +0 .*/etc/passwd"));
        assertThat(output).anyMatch(line -> line.matches("-rw-r--r-- +1 1000 +1000 .*/home/app/notes"));
        assertThat(output).contains("passwd-written", "root-written", "chowned");
        // the shared layer is untouched; what the container wrote belongs to its range on the host
        assertThat(Files.readString(image.resolve("etc/passwd"))).doesNotContain("extra");
        assertThat(Files.getAttribute(image.resolve("etc/passwd"), "unix:uid")).isEqualTo(0);
        Path upper = directory.resolve("snapshots/mapped/upper");
        assertThat(((Number) Files.getAttribute(upper.resolve("root/created"), "unix:uid")).longValue() & 0xFFFFFFFFL).isEqualTo(MAPPING.hostId());
        assertThat(((Number) Files.getAttribute(upper.resolve("home/app/other"), "unix:uid")).longValue() & 0xFFFFFFFFL).isEqualTo(MAPPING.toHost(1000));

        runtime.delete("mapped");
        snapshotter.remove("mapped");
        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
    }

    @Test
    void theProcessRunsAsTheRangesFirstUidOnTheHost()
            throws Exception
    {
        Path rootfs = snapshotter.prepare("owner", List.of(image), MAPPING);
        runtime.start(launch("owner", rootfs, null, "sleep 30"));
        int pid = await().atMost(PATIENCE).until(() -> runtime.status("owner").orElseThrow(), ContainerStatus.Running.class::isInstance) instanceof ContainerStatus.Running running ? running.pid() : -1;

        assertThat(((Number) Files.getAttribute(Path.of("/proc", Integer.toString(pid)), "unix:uid")).longValue() & 0xFFFFFFFFL).isEqualTo(MAPPING.hostId());
    }

    @Test
    void aContainerJoiningAnExistingNetworkNamespaceSeesItsOwnDevicesInAReadOnlySys()
            throws Exception
    {
        networkNamespace = "berth-userns-" + UUID.randomUUID().toString().substring(0, 8);
        run("ip", "netns", "add", networkNamespace);
        run("ip", "netns", "exec", networkNamespace, "ip", "link", "add", "probe0", "type", "veth", "peer", "name", "probe1");
        Path rootfs = snapshotter.prepare("netns", List.of(image), MAPPING);
        runtime.start(launch("netns", rootfs, Path.of("/var/run/netns", networkNamespace), """
                ls /sys/class/net | tr '\\n' ' '; echo
                grep -E '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ /sys ' /proc/self/mountinfo
                touch /sys/kernel/probe 2>/dev/null && echo sys-writable || echo sys-read-only
                """));

        assertThat(awaitExit("netns").exitCode()).isZero();
        List<String> output = logText("netns");
        assertThat(output.get(0).trim().split(" ")).containsExactlyInAnyOrder("lo", "probe0", "probe1");
        assertThat(output.get(1).split(" ")[5]).startsWith("ro,");
        assertThat(output.get(2)).isEqualTo("sys-read-only");

        runtime.delete("netns");
        snapshotter.remove("netns");
        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
    }

    @Test
    void readOnlyRootAndInitWorkInAUserNamespace()
            throws Exception
    {
        Path rootfs = snapshotter.prepare("hardened", List.of(image), MAPPING);
        ContainerHardening hardening = new ContainerHardening(true, true, List.of(), List.of(), List.of());
        runtime.start(new ContainerLaunch("hardened", rootfs, List.of("sh", "-c", "cat /proc/1/comm; touch /etc/x 2>/dev/null && echo writable || echo read-only"),
                List.of(), "/", "", "h", ResourceLimits.fromTaskSize(256, 128), logFile("hardened"), null, hardening, MAPPING));

        assertThat(awaitExit("hardened").exitCode()).isZero();
        assertThat(logText("hardened")).containsExactly("init", "read-only");
    }

    @Test
    void aUserNamespaceHelperThatFailsStopsThePrepareAndLeavesNoMount()
            throws Exception
    {
        OverlaySnapshotter failing = new OverlaySnapshotter(directory.resolve("snapshots"), new MountTable(), new UserNamespaces(List.of("/bin/false"), Duration.ofSeconds(5)));
        assertThatThrownBy(() -> failing.prepare("failing", List.of(image), MAPPING))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("user namespace helper (/bin/false) exited with 1");

        OverlaySnapshotter hanging = new OverlaySnapshotter(directory.resolve("snapshots"), new MountTable(), new UserNamespaces(List.of("/bin/sleep", "30"), Duration.ofMillis(300)));
        long started = System.nanoTime();
        assertThatThrownBy(() -> hanging.prepare("hanging", List.of(image), MAPPING))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("made no user namespace within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
        snapshotter.remove("failing");
        snapshotter.remove("hanging");
        assertThat(directory.resolve("snapshots/failing")).doesNotExist();
    }

    @Test
    void aRootfsUnderADirectoryOthersCannotSearchIsRefusedWithTheFix()
            throws Exception
    {
        Path closed = Files.createDirectories(directory.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        OverlaySnapshotter inside = new OverlaySnapshotter(closed.resolve("snapshots"));

        assertThatThrownBy(() -> inside.prepare("closed", List.of(image), MAPPING))
                .hasMessageContaining("chmod o+x " + closed);
        inside.remove("closed");
    }

    private ContainerLaunch launch(String containerId, Path rootfs, Path networkNamespacePath, String script)
    {
        return new ContainerLaunch(containerId, rootfs, List.of("sh", "-c", script), List.of(), "/", "", "h", ResourceLimits.fromTaskSize(256, 128),
                logFile(containerId), networkNamespacePath, ContainerHardening.DEFAULT, MAPPING);
    }

    private Path logFile(String containerId)
    {
        return directory.resolve("logs").resolve(containerId + ".log");
    }

    private ContainerStatus.Exited awaitExit(String containerId)
    {
        return (ContainerStatus.Exited) await().atMost(PATIENCE).until(() -> runtime.status(containerId).orElseThrow(), ContainerStatus.Exited.class::isInstance);
    }

    private List<String> logText(String containerId)
            throws IOException
    {
        return new ContainerLogReader().read(logFile(containerId), "c", 0, 100).lines().stream().map(LogLine::text).toList();
    }

    private static void run(String... command)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with " + process.exitValue());
        }
    }
}
