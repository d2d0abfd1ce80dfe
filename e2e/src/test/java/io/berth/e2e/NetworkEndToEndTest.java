package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A network per task and multi-container tasks, through the AWS SDK, on real runc containers and real CNI plugins. */
class NetworkEndToEndTest
{
    private static final String CLUSTER = "network";
    /** Retries for a while, since the server container may not listen yet: wget of busybox has no usable timeout flag. */
    private static final String FETCH = "for i in $(seq 1 100); do busybox wget -q -O - http://%s:8080/index.html && exit 0; sleep 0.2; done; exit 1";
    private static final String SERVE = "echo %s > /tmp/index.html && exec busybox httpd -f -p 8080 -h /tmp";

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    private ContainerDefinition.Builder container(String name, boolean essential, String script)
    {
        return ContainerDefinition.builder().name(name).image(berth.environment().image()).essential(essential).command("sh", "-c", script);
    }

    private String register(String family, ContainerDefinition.Builder... containers)
    {
        return berth.registerFargate(family, "256", "512", Stream.of(containers).map(ContainerDefinition.Builder::build).toList());
    }

    private static Map<String, String> details(Attachment attachment)
    {
        return attachment.details().stream().collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value));
    }

    private static Container container(Task task, String name)
    {
        return task.containers().stream().filter(container -> container.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void taskGetsAnAddressThatIsDescribedAndReleasedWhenItStops()
            throws IOException
    {
        String taskArn = berth.runFargate(register("address", container("main", true, "sleep 300").stopTimeout(2)));
        Task running = berth.awaitStatus(taskArn, "RUNNING");

        assertThat(running.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.type()).isEqualTo("ElasticNetworkInterface");
            assertThat(attachment.status()).isEqualTo("ATTACHED");
        });
        String address = details(running.attachments().get(0)).get("privateIPv4Address");
        String subnetPrefix = berth.environment().subnet().substring(0, berth.environment().subnet().lastIndexOf('.') + 1);
        assertThat(address).startsWith(subnetPrefix);
        assertThat(running.containers().get(0).networkInterfaces()).singleElement().satisfies(networkInterface -> {
            assertThat(networkInterface.privateIpv4Address()).isEqualTo(address);
            assertThat(networkInterface.attachmentId()).isEqualTo(running.attachments().get(0).id());
        });
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        Path namespace = Path.of("/run/netns", berth.environment().bridgeName() + "-" + taskId);
        assertThat(namespace).exists();
        assertThat(allocatedAddresses()).contains(address);

        berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        Task stopped = berth.awaitStatus(taskArn, "STOPPED");

        assertThat(stopped.attachments().get(0).status()).isEqualTo("DELETED");
        assertThat(namespace).doesNotExist();
        assertThat(allocatedAddresses()).doesNotContain(address);
    }

    @Test
    void tasksReachEachOtherByAddress()
    {
        String serverArn = berth.runFargate(register("server", container("web", true, SERVE.formatted("hello-from-another-task")).stopTimeout(1)));
        Task server = berth.awaitStatus(serverArn, "RUNNING");
        String address = details(server.attachments().get(0)).get("privateIPv4Address");
        try {
            String clientArn = berth.runFargate(register("client", container("fetch", true, FETCH.formatted(address))));
            Task client = berth.awaitStatus(clientArn, "STOPPED");

            assertThat(client.containers().get(0).exitCode()).isZero();
            assertThat(LogLines.readAll(berth.environment(), CLUSTER, clientArn)).extracting(LogLines.Line::text).contains("hello-from-another-task");
        }
        finally {
            berth.ecs().stopTask(request -> request.cluster(CLUSTER).task(serverArn));
            berth.awaitStatus(serverArn, "STOPPED");
        }
    }

    @Test
    void containersOfATaskTalkOverLocalhostAndTheEssentialExitStopsTheSidecar()
    {
        String definition = register("sidecar",
                container("init", false, "echo init-done"),
                container("server", false, SERVE.formatted("hello-over-localhost")).stopTimeout(1)
                        .dependsOn(ContainerDependency.builder().containerName("init").condition(ContainerCondition.SUCCESS).build()),
                container("client", true, FETCH.formatted("127.0.0.1"))
                        .dependsOn(ContainerDependency.builder().containerName("server").condition(ContainerCondition.START).build()));
        String taskArn = berth.runFargate(definition);
        Task task = berth.awaitStatus(taskArn, "STOPPED");

        assertThat(task.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(container(task, "init").exitCode()).isZero();
        assertThat(container(task, "client").exitCode()).isZero();
        // the sidecar was stopped with the task: httpd as pid 1 ignores SIGTERM, so SIGKILL after its stop timeout
        assertThat(container(task, "server").exitCode()).isEqualTo(137);
        assertThat(LogLines.readAll(berth.environment(), CLUSTER, taskArn))
                .extracting(LogLines.Line::container, LogLines.Line::text)
                .contains(org.assertj.core.groups.Tuple.tuple("init", "init-done"), org.assertj.core.groups.Tuple.tuple("client", "hello-over-localhost"));
    }

    @Test
    void dependentOfAFailedSuccessDependencyNeverStarts()
    {
        String taskArn = berth.runFargate(register("failing-init",
                container("init", false, "echo init-failed; exit 1"),
                container("app", true, "echo app-started")
                        .dependsOn(ContainerDependency.builder().containerName("init").condition(ContainerCondition.SUCCESS).build())));
        Task task = berth.awaitStatus(taskArn, "STOPPED");

        assertThat(task.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(task.stoppedReason()).isEqualTo("Container 'init' exited with 1, so dependent container 'app' cannot start");
        assertThat(container(task, "init").exitCode()).isEqualTo(1);
        assertThat(container(task, "app").exitCode()).isNull();
        assertThat(LogLines.readAll(berth.environment(), CLUSTER, taskArn)).extracting(LogLines.Line::text).doesNotContain("app-started");
    }

    @Test
    void dependentOfACompleteDependencyStartsWhateverTheExitCode()
    {
        String taskArn = berth.runFargate(register("complete-init",
                container("init", false, "exit 3"),
                container("app", true, "echo app-started")
                        .dependsOn(ContainerDependency.builder().containerName("init").condition(ContainerCondition.COMPLETE).build())));
        Task task = berth.awaitStatus(taskArn, "STOPPED");

        assertThat(task.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(container(task, "init").exitCode()).isEqualTo(3);
        assertThat(container(task, "app").exitCode()).isZero();
    }

    @Test
    void healthyConditionOnAContainerWithoutAHealthCheckIsRefused()
    {
        assertThatThrownBy(() -> register("healthy",
                container("db", true, "sleep 1"),
                container("app", true, "true").dependsOn(ContainerDependency.builder().containerName("db").condition(ContainerCondition.HEALTHY).build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("HEALTHY");
    }

    private List<String> allocatedAddresses()
            throws IOException
    {
        Path allocations = berth.environment().dataDirectory().resolve("agent/network/ipam/berth-" + berth.environment().bridgeName());
        if (!Files.isDirectory(allocations)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(allocations)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
