package io.berth.e2e;

import io.berth.agent.Agent;
import io.berth.agent.logs.ContainerLogReader;
import io.berth.agent.rootfs.MountTable;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.tasks.TaskRecord;
import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.IdRangePool;
import io.berth.common.agentprotocol.LogLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every task runs in a user namespace of its own (real runc, overlayfs over idmapped layers, CNI network, the AWS
 * SDK as client): container root is an unprivileged host uid from the agent's pool, the image's files keep the
 * owners the image gave them, and the range is the task's alone until its cleanup is done, across agent restarts.
 */
class UserNamespacesEndToEndTest
{
    private static final String CLUSTER = "userns";
    /** What each probe task prints before it sleeps, so the test can read it while the task runs. */
    private static final String PROBE = """
            cat /proc/self/uid_map
            ls -ln /etc/passwd
            ls -lnd /home/app
            echo 'extra:x:2000:2000::/:/bin/sh' >> /etc/passwd && echo passwd-written
            touch /root/created && echo root-written
            echo "net: $(ls /sys/class/net | tr '\n' ' ')"
            touch /sys/kernel/probe 2>/dev/null && echo sys-writable || echo sys-read-only
            echo probe-done
            exec sleep 600
            """;

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    @Test
    void eachTaskRunsAsItsOwnUnprivilegedRangeAndOwnsTheImagesRootFiles()
            throws Exception
    {
        String definition = register("userns-probe", PROBE);
        String firstArn = berth.runFargate(definition);
        String secondArn = berth.runFargate(definition);
        berth.awaitStatus(firstArn, "RUNNING");
        berth.awaitStatus(secondArn, "RUNNING");
        List<String> output = awaitProbe(firstArn);

        IdMapping first = record(firstArn).idMapping();
        IdMapping second = record(secondArn).idMapping();
        assertThat(first.hostId()).isGreaterThanOrEqualTo(IdRangePool.DEFAULT_BASE);
        assertThat(first.size()).isEqualTo(65536);
        assertThat(first.overlaps(second)).as("two running tasks share no host id").isFalse();
        assertThat(output.get(0).trim().split("\\s+")).containsExactly("0", Long.toString(first.hostId()), "65536");
        // the image's root-owned files are root's inside, and its user's home stays that user's
        assertThat(output.get(1)).matches("-rw-r--r-- +1 0 +0 .*/etc/passwd");
        assertThat(output.get(2)).matches("d\\S+ +\\d+ 1000 +1000 .*/home/app");
        assertThat(output).contains("passwd-written", "root-written");
        // /sys comes from the task's network namespace: its own interfaces, not the host's, and read-only
        assertThat(output).filteredOn(line -> line.startsWith("net: ")).singleElement().asString()
                .satisfies(line -> assertThat(line.substring(5).trim().split(" ")).containsExactlyInAnyOrder("eth0", "lo"));
        assertThat(output).contains("sys-read-only");

        // seen from the host, the container's process is the range's first uid, not root
        int pid = ((ContainerStatus.Running) agent().host().runtime().status(containerId(firstArn)).orElseThrow()).pid();
        assertThat(((Number) Files.getAttribute(Path.of("/proc", Integer.toString(pid)), "unix:uid")).longValue() & 0xFFFFFFFFL).isEqualTo(first.hostId());
        assertThat(mountPointsOf(firstArn)).isNotEmpty();

        stop(firstArn);
        stop(secondArn);
        assertThat(agent().host().idRanges().heldBy(taskId(firstArn))).isEmpty();
        assertThat(agent().host().idRanges().heldBy(taskId(secondArn))).isEmpty();
        assertThat(mountPointsOf(firstArn)).as("the idmapped layers and the overlay are gone").isEmpty();
        assertThat(mountPointsOf(secondArn)).isEmpty();
    }

    @Test
    void aRestartedAgentKeepsTheRangeOfATaskThatStillRuns()
            throws Exception
    {
        String definition = register("userns-restart", PROBE);
        String runningArn = berth.runFargate(definition);
        berth.awaitStatus(runningArn, "RUNNING");
        IdMapping before = record(runningArn).idMapping();

        berth.environment().berth().stopAgent();
        berth.environment().berth().startAgent();

        assertThat(agent().host().idRanges().heldBy(taskId(runningArn))).contains(before);
        String laterArn = berth.runFargate(definition);
        berth.awaitStatus(laterArn, "RUNNING");
        assertThat(record(laterArn).idMapping().overlaps(before)).isFalse();
        assertThat(awaitProbe(runningArn)).contains("probe-done");

        stop(runningArn);
        stop(laterArn);
        assertThat(agent().host().idRanges().held()).doesNotContainKeys(taskId(runningArn), taskId(laterArn));
    }

    private String register(String family, String script)
    {
        ContainerDefinition container = ContainerDefinition.builder()
                .name("main")
                .image(berth.environment().image())
                .command(List.of("sh", "-c", script))
                .stopTimeout(2)
                .build();
        return berth.registerFargate(family, "256", "512", List.of(container));
    }

    private List<String> awaitProbe(String taskArn)
    {
        // the task still runs: its log is read where the agent's monitor writes it
        Path logFile = agent().host().logFile(taskId(taskArn), "main");
        return await().atMost(Duration.ofSeconds(60)).until(
                () -> Files.exists(logFile) ? new ContainerLogReader().read(logFile, "main", 0, 100).lines().stream().map(LogLine::text).toList() : List.<String>of(),
                lines -> lines.contains("probe-done"));
    }

    private void stop(String taskArn)
    {
        berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        Task stopped = berth.awaitStatus(taskArn, "STOPPED");
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        // the agent records STOPPED once its cleanup is done; the control plane may know a moment earlier
        await().atMost(Duration.ofSeconds(30)).until(() -> agent().reconciler().tasks().stream()
                .noneMatch(task -> task.taskId().equals(taskId(taskArn)) && task.status() != io.berth.common.agentprotocol.TaskReport.Status.STOPPED));
    }

    private static Agent agent()
    {
        return berth.environment().berth().agent();
    }

    private static TaskRecord record(String taskArn)
    {
        return agent().reconciler().tasks().stream().filter(task -> task.taskId().equals(taskId(taskArn))).findFirst().orElseThrow();
    }

    private static String taskId(String taskArn)
    {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private static String containerId(String taskArn)
    {
        return taskId(taskArn) + "-main";
    }

    /** The mounts of the task's container on the host (its overlay and idmapped layers), from /proc/self/mountinfo. */
    private static Set<Path> mountPointsOf(String taskArn)
            throws IOException
    {
        return Set.copyOf(new MountTable().mountPoints().stream().filter(path -> path.toString().contains(containerId(taskArn))).toList());
    }
}
