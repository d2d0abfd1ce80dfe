package io.berth.agent.tasks;

import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.network.CniTaskNetwork;
import io.berth.agent.network.TestPlans;
import io.berth.agent.rootfs.MountTable;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.common.agentprotocol.TaskReport.Status;
import io.berth.testing.BusyboxRootfs;
import io.berth.testing.TestNetworks;
import org.junit.jupiter.api.AfterEach;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault injection with a CNI bridge plugin that hangs on ADD (behind a wrapper; DEL and the IPAM plugin are the real
 * ones), under a whole task: the real task network (no warm namespaces, so the task's own set-up calls the plugin),
 * runc, conmon, cgroups and overlayfs. The plugin is killed at its deadline, the task stops with a reason that names
 * the plugin and the deadline, and nothing of it is left: no network namespace, no address, no container, mount,
 * snapshot or cgroup, no hung plugin. Needs root, runc, conmon, busybox-static and containernetworking-plugins.
 */
class HungNetworkPluginFaultTest
{
    private static final String TASK_ID = "c0ffee00c0ffee00c0ffee00c0ffee00";
    /** Shorter than the agent's 60 s so that the test does not wait it out. */
    private static final Duration PLUGIN_DEADLINE = Duration.ofSeconds(3);

    @TempDir
    Path directory;

    private final FakeHost host = new FakeHost();
    private final String cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
    private CniNetworkConfig config;
    private CniTaskNetwork network;
    private RuncConmonRuntime runtime;
    private OverlaySnapshotter snapshotter;
    private TaskReconciler reconciler;

    @AfterEach
    void removeWhatIsLeft()
            throws Exception
    {
        if (reconciler != null) {
            reconciler.shutdown();
        }
        if (runtime != null) {
            runtime.containerIds().forEach(runtime::delete);
        }
        if (snapshotter != null) {
            for (String key : snapshotter.keys()) {
                snapshotter.remove(key);
            }
        }
        CgroupLayout.host().remove("/" + cgroupParent);
        if (network != null) {
            for (String taskId : network.taskIds()) {
                network.tearDown(taskId);
            }
            network.removeHostNetworkIfUnused();
        }
    }

    @Test
    void aTaskWhoseNetworkPluginHangsStopsWithThePluginsDeadlineAndLeavesNothing()
            throws Exception
    {
        reconciler = launch(pluginsWithAHangingBridge());
        await().atMost(Duration.ofSeconds(90)).until(() -> reconciler.tasks().getFirst().status() == Status.STOPPED);

        TaskRecord recorded = new TaskRecordStore(directory.resolve("tasks")).loadAll().getFirst();
        assertThat(recorded.status()).isEqualTo(Status.STOPPED);
        assertThat(recorded.stopCode()).isEqualTo(TaskRunner.TASK_FAILED_TO_START);
        assertThat(recorded.stoppedReason()).startsWith("ResourceInitializationError: cannot set up the task's network: ")
                .contains("the CNI plugin bridge failed ADD").contains("did not finish within");

        // nothing of the task on the host
        assertThat(network.taskIds()).isEmpty();
        assertThat(run("ip", "netns", "list")).doesNotContain(TASK_ID);
        assertThat(allocatedAddresses()).isEmpty();
        assertThat(runtime.containerIds()).isEmpty();
        assertThat(new MountTable().mountPointsUnder(directory)).isEmpty();
        assertThat(snapshotter.keys()).isEmpty();
        assertThat(host.storage.sizes).isEmpty();
        runtime.removeCgroupParent();
        assertThat(CgroupLayout.host().existingDirectories("/" + cgroupParent)).isEmpty();
        // the hung plugin was killed at its deadline, not left waiting
        assertThat(ProcessHandle.current().descendants().filter(process -> process.info().commandLine().orElse("").contains("sleep 600")).count()).isZero();
    }

    /** The real CNI plugins, but a bridge that never answers an ADD (as one stuck on a kernel lock would). */
    private Path pluginsWithAHangingBridge()
            throws IOException
    {
        Path plugins = Files.createDirectories(directory.resolve("cni"));
        try (Stream<Path> installed = Files.list(CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY)) {
            for (Path plugin : installed.toList()) {
                if (!plugin.getFileName().toString().equals("bridge")) {
                    Files.createSymbolicLink(plugins.resolve(plugin.getFileName()), plugin);
                }
            }
        }
        Path bridge = plugins.resolve("bridge");
        Files.writeString(bridge, """
                #!/bin/sh
                if [ "$CNI_COMMAND" = ADD ]; then exec sleep 600; fi
                exec %s "$@"
                """.formatted(CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY.resolve("bridge")));
        Files.setPosixFilePermissions(bridge, PosixFilePermissions.fromString("rwxr-xr-x"));
        return plugins;
    }

    /** The reconciler of a host with the real task network on a bridge of the test's own, the task assigned and launched. */
    private TaskReconciler launch(Path plugins)
            throws Exception
    {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        host.layers = List.of(BusyboxRootfs.create(directory.resolve("layer")));
        config = new CniNetworkConfig(directory.resolve("network"), plugins, TestNetworks.bridgeName("bhang"));
        network = CniTaskNetwork.throughPlugins(config, 0, PLUGIN_DEADLINE);
        network.apply(TestPlans.singleHost(TestNetworks.subnet()));
        runtime = new RuncConmonRuntime(directory.resolve("runtime"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON, cgroupParent,
                CgroupLayout.host(), Clock.systemUTC());
        snapshotter = new OverlaySnapshotter(directory.resolve("snapshots"));
        HostServices services = new HostServices(host, snapshotter, runtime, new TaskRecordStore(directory.resolve("tasks")), directory.resolve("logs"), Clock.systemUTC(),
                network, host.storage);
        return OneSleepingTask.launch(TASK_ID, services);
    }

    /** The host-local IPAM plugin's allocations: one file per address handed out (plus its own bookkeeping files). */
    private List<Path> allocatedAddresses()
            throws IOException
    {
        Path ipam = config.stateDirectory().resolve("ipam");
        if (!Files.exists(ipam)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(ipam)) {
            return files.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).toList();
        }
    }

    private static String run(String... command)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
