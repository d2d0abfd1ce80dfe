package io.berth.e2e;

import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.berth.e2e.CliEndToEndTest.assertOneLineError;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `berth up` as the real process a user starts: containers outlive it when it is killed, the next one adopts
 * them, stopping a task leaves nothing behind, and SIGTERM ends it with its registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BerthUpProcessEndToEndTest
{
    /** Its own task bridge and subnet, so the test neither collides with nor leaves behind a real berth up's. */
    private final String bridgeName = io.berth.testing.TestNetworks.bridgeName("btup");
    private final String subnet = io.berth.testing.TestNetworks.subnet();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String LISTENING = "API listening on";
    /** Runs until stopped; stops promptly on SIGTERM (a shell as PID 1 ignores it otherwise). */
    private static final String LONG_TASK = "trap 'exit 0' TERM; echo started; while true; do sleep 1; done";

    private final List<Process> berthUps = new ArrayList<>();
    private final List<Path> dataDirectories = new ArrayList<>();
    private Path workDirectory;

    @BeforeAll
    void createWorkDirectory()
            throws IOException
    {
        workDirectory = Files.createTempDirectory("berth-e2e-up-work");
    }

    @AfterAll
    void cleanUp()
            throws IOException
    {
        try {
            berthUps.forEach(BerthCli::destroyTree);
            for (Path dataDirectory : dataDirectories) {
                new HostLeftovers(dataDirectory).cleanUpAndDelete();
            }
            HostLeftovers.removeTaskNetwork(bridgeName);
        }
        finally {
            // past a failed step above too (a machine without the network tools left this directory behind)
            if (workDirectory != null) {
                CliEndToEndTest.deleteRecursively(workDirectory);
            }
        }
    }

    @Test
    void containersOutliveAKilledBerthUpAndTheNextOneAdoptsThem()
            throws Exception
    {
        Path dataDirectory = newDataDirectory("berth-e2e-up");
        HostLeftovers host = new HostLeftovers(dataDirectory);
        int port = FreePorts.any();

        Process first = startBerthUp(dataDirectory, port, "first");
        BerthCli cli = BerthCli.fromEnvironmentFile(dataDirectory.resolve("berth.env"));
        // TLS by default: the CLI, the image import's registry login and the agent all trust the CA berth.env names
        assertThat(cli.environment()).containsEntry("BERTH_ENDPOINT", "https://127.0.0.1:" + port)
                .containsEntry("AWS_CA_BUNDLE", dataDirectory.resolve("tls/ca.pem").toString());

        OciLayoutImage layout = TestImages.buildOciLayout(workDirectory.resolve("layout"), "latest", TestImageConfig.busybox());
        BerthCli.Result imported = cli.run("image", "import", layout.layout().toString(), "--tag", "e2e/busybox:1");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        String image = imported.stdout().strip();

        BerthCli.Result started = cli.run("run", "-d", image, "--", "sh", "-c", LONG_TASK);
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String taskArn = started.stdout().strip();
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        awaitStatus(cli, taskId, "RUNNING");
        await().atMost(TIMEOUT).until(() -> cli.run("logs", taskId).stdoutLines().contains("started"));
        String[] container = runningContainer(host, taskId);
        assertThat(host.cgroups(taskId)).as("the container's cgroups, where this test expects them").isNotEmpty();
        long registryPid = Long.parseLong(Files.readString(dataDirectory.resolve("registry/registry.pid"), UTF_8).strip());

        // kill -9: no shutdown hook runs, the registry is orphaned, the container must not notice
        first.destroyForcibly();
        assertThat(first.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(runningContainer(host, taskId)).as("container after berth up was killed").isEqualTo(container);

        Process second = startBerthUp(dataDirectory, port, "second");
        assertThat(ProcessHandle.of(registryPid).filter(ProcessHandle::isAlive)).as("the killed berth up's registry").isEmpty();
        awaitStatus(cli, taskId, "RUNNING");
        assertThat(runningContainer(host, taskId)).as("the adopted container").isEqualTo(container);
        assertThat(cli.run("logs", taskId).stdoutLines()).as("the task ran once, it was not started again").containsExactly("started");

        // a second berth up on the same data directory would run a second agent over the same containers
        BerthCli.Result duplicate = BerthCli.withoutEnvironment().run(TIMEOUT,
                "up", "--data-dir", dataDirectory.toString(), "--port", Integer.toString(FreePorts.any()), "--bridge", bridgeName, "--subnet", subnet);
        assertThat(duplicate.exitCode()).as(duplicate.toString()).isNotZero();
        assertOneLineError(duplicate, "in use by another berth process");
        assertThat(second.isAlive()).isTrue();
        assertThat(cli.run("ps").stdout()).contains(taskId.substring(0, 12));

        BerthCli.Result stopped = cli.run("stop", taskId);
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        awaitStatus(cli, taskId, "STOPPED");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(host.runcContainers()).as("runc containers").isEmpty();
            // the agent's spare storage, mounted ahead for its next tasks, is its own, not the task's
            assertThat(host.mounts()).as("mounts under " + dataDirectory + " but the spare storage")
                    .noneMatch(mountPoint -> !Path.of(mountPoint).startsWith(dataDirectory.resolve("agent/storage/.spare")));
            assertThat(host.cgroups(taskId)).as("cgroups of the task's containers").isEmpty();
            assertThat(host.processes("conmon")).as("conmon processes").isEmpty();
        });

        long secondRegistryPid = Long.parseLong(Files.readString(dataDirectory.resolve("registry/registry.pid"), UTF_8).strip());
        second.destroy();
        assertThat(second.waitFor(20, TimeUnit.SECONDS)).as("berth up ends within 20 s of SIGTERM").isTrue();
        // 143 is 128 + SIGTERM, the JVM's exit code after its shutdown hooks ran
        assertThat(second.exitValue()).isIn(0, 143);
        assertThat(ProcessHandle.of(secondRegistryPid).filter(ProcessHandle::isAlive)).as("berth up's registry after SIGTERM").isEmpty();
        assertThat(host.processes()).as("processes naming " + dataDirectory).isEmpty();
        assertThat(HostLeftovers.hostCgroups(host.hostId())).as("the agent's cgroup parent once no container is left").isEmpty();
        assertThat(host.mounts()).as("mounts under " + dataDirectory + " once berth up stopped: its spare storage unmounted").isEmpty();
        assertThat(host.loopDevices()).as("loop devices over images in " + dataDirectory).isEmpty();
    }

    @Test
    void berthUpOnATakenPortSaysSo()
            throws Exception
    {
        Path dataDirectory = newDataDirectory("berth-e2e-up-taken");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BerthCli.Result result = BerthCli.withoutEnvironment().run(TIMEOUT,
                    "up", "--data-dir", dataDirectory.toString(), "--port", Integer.toString(taken.getLocalPort()), "--bridge", bridgeName, "--subnet", subnet);

            assertThat(result.exitCode()).as(result.toString()).isNotZero();
            String error = result.stderrLines().stream().filter(line -> line.startsWith("berth: ")).findFirst().orElseThrow(() -> new AssertionError(result.toString()));
            assertThat(error).contains("port " + taken.getLocalPort(), "in use", "--port");
            assertThat(result.stderr()).doesNotContain("\tat ", "Exception in thread");
        }
        assertThat(new HostLeftovers(dataDirectory).processes()).as("processes naming " + dataDirectory).isEmpty();
        assertThat(dataDirectory.resolve("berth.env")).doesNotExist();
    }

    private Path newDataDirectory(String prefix)
            throws IOException
    {
        Path dataDirectory = Files.createTempDirectory(prefix);
        dataDirectories.add(dataDirectory);
        return dataDirectory;
    }

    /** Starts berth up and waits until it says it listens and berth.env is written. */
    private Process startBerthUp(Path dataDirectory, int port, String name)
    {
        Path stdout = workDirectory.resolve(name + ".out");
        Path stderr = workDirectory.resolve(name + ".err");
        Process process = BerthCli.withoutEnvironment().startWithOutputTo(stdout, stderr,
                "up", "--data-dir", dataDirectory.toString(), "--port", Integer.toString(port), "--bridge", bridgeName, "--subnet", subnet);
        berthUps.add(process);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("berth up exited with " + process.exitValue() + ":\n" + Files.readString(stdout) + Files.readString(stderr));
            }
            return Files.readString(stdout).contains(LISTENING + " https://127.0.0.1:" + port) && Files.exists(dataDirectory.resolve("berth.env"));
        });
        return process;
    }

    private static void awaitStatus(BerthCli cli, String taskId, String status)
    {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            BerthCli.Result ps = cli.run("ps", "-a");
            assertThat(ps.exitCode()).as(ps.toString()).isZero();
            Optional<String> row = ps.stdoutLines().stream().filter(line -> line.startsWith(taskId.substring(0, 12) + " ")).findFirst();
            assertThat(row).as(ps.toString()).hasValueSatisfying(line -> assertThat(line.split("\\s+")[2]).isEqualTo(status));
        });
    }

    /** The task's one runc container, which must be running: its id, pid and status. */
    private static String[] runningContainer(HostLeftovers host, String taskId)
    {
        List<String[]> containers = host.runcContainers().stream().filter(container -> container[0].startsWith(taskId)).toList();
        assertThat(containers).hasSize(1);
        assertThat(containers.getFirst()[2]).isEqualTo("running");
        return containers.getFirst();
    }
}
