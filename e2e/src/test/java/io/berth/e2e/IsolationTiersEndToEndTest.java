package io.berth.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Isolation tiers on a real all-in-one Berth whose host has Debian's runsc, driven with the AWS SDK: a task runs at
 * the stronger of its account's tier and its task definition's berth:isolation tag, a sandboxed task really runs
 * under gVisor (its kernel says so) through the same monitor, logs, exit codes, metadata endpoint and task network
 * as a runc one, and a fleet without runsc leaves a sandbox task unplaced and says why.
 */
class IsolationTiersEndToEndTest
{
    private static final String CLUSTER = "tiers";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** The first line gVisor's kernel log always has; a runc container reads the host's (or none at all). */
    private static final String GVISOR_BANNER = "[   0.000000] Starting gVisor...";
    private static final String PROBE = "dmesg 2>/dev/null | head -1; cat /proc/version; echo to-stderr >&2; exit 3";

    private static BerthEnvironment environment;
    private static AccountKeys sandboxKeys;
    private static AccountKeys containerKeys;
    private static EcsClient sandboxAccount;
    private static EcsClient containerAccount;

    @BeforeAll
    static void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-tiers"));
        sandboxKeys = AccountKeys.create(environment, "tiers-sandboxed", "sandbox");
        containerKeys = AccountKeys.create(environment, "tiers-containers", "container");
        sandboxAccount = environment.client(sandboxKeys.accessKeyId(), sandboxKeys.secretAccessKey());
        containerAccount = environment.client(containerKeys.accessKeyId(), containerKeys.secretAccessKey());
        sandboxAccount.createCluster(request -> request.clusterName(CLUSTER));
        containerAccount.createCluster(request -> request.clusterName(CLUSTER));
    }

    @AfterAll
    static void stopBerth()
            throws Exception
    {
        for (EcsClient client : new EcsClient[] {sandboxAccount, containerAccount}) {
            if (client != null) {
                client.close();
            }
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void aSandboxAccountsTaskRunsUnderGvisorWithItsExitCodeAndLogs()
            throws Exception
    {
        Task task = runToEnd(sandboxAccount, register(sandboxAccount, "sandbox-probe", PROBE, List.of()));

        assertThat(isolationOf(task)).isEqualTo("sandbox");
        assertThat(task.containers().get(0).exitCode()).isEqualTo(3);
        List<LogLines.Line> logs = lines(sandboxKeys, task);
        assertThat(logs).extracting(LogLines.Line::text).contains(GVISOR_BANNER, "to-stderr");
        assertThat(logs).filteredOn(line -> line.text().equals("to-stderr")).extracting(LogLines.Line::stream).containsExactly("stderr");
        assertThat(logs).extracting(LogLines.Line::text).doesNotContain(hostKernelVersion());
    }

    @Test
    void theTagRaisesAContainerAccountsTaskToTheSandboxAndWithoutItTheTaskUsesRunc()
            throws Exception
    {
        String tagged = register(containerAccount, "tagged-sandbox", PROBE, List.of(isolationTag("sandbox")));
        String plain = register(containerAccount, "untagged", PROBE, List.of());

        Task sandboxed = runToEnd(containerAccount, tagged);
        Task runc = runToEnd(containerAccount, plain);

        assertThat(isolationOf(sandboxed)).isEqualTo("sandbox");
        assertThat(texts(containerKeys, sandboxed)).contains(GVISOR_BANNER);
        assertThat(isolationOf(runc)).isEqualTo("container");
        assertThat(texts(containerKeys, runc)).doesNotContain(GVISOR_BANNER).contains(hostKernelVersion());
        assertThat(runc.containers().get(0).exitCode()).isEqualTo(3);
        // DescribeTaskDefinition shows the tags only when asked, as ECS does
        assertThat(containerAccount.describeTaskDefinition(request -> request.taskDefinition(tagged).include(TaskDefinitionField.TAGS)).tags())
                .containsExactly(isolationTag("sandbox"));
        assertThat(containerAccount.describeTaskDefinition(request -> request.taskDefinition(tagged)).tags()).isEmpty();
    }

    @Test
    void aSandboxAccountsTaskNeverRunsBelowTheSandboxWhateverTheTagAsks()
            throws Exception
    {
        Task task = runToEnd(sandboxAccount, register(sandboxAccount, "asks-container", PROBE, List.of(isolationTag("container"))));

        assertThat(isolationOf(task)).isEqualTo("sandbox");
        assertThat(texts(sandboxKeys, task)).contains(GVISOR_BANNER);
    }

    @Test
    void aSandboxedTaskServesItsAddressToAnotherTaskAndReadsItsMetadata()
    {
        // HTTP with busybox nc: under runsc's host network a blocking read(2) of a socket that has no data yet fails
        // with EAGAIN in this gVisor build, which busybox wget does (see the README's isolation tiers); nc polls first
        String web = register(sandboxAccount, "sandbox-web", "mkdir -p /tmp/www; echo hello-from-gvisor > /tmp/www/index.html; "
                + "u=${ECS_CONTAINER_METADATA_URI_V4#http://}; hostport=${u%%/*}; "
                + "printf 'GET /%s/task HTTP/1.0\\r\\n\\r\\n' \"${u#*/}\" | timeout 10 nc ${hostport%:*} ${hostport#*:} > /tmp/www/metadata.json; "
                + "httpd -p 8080 -h /tmp/www; trap 'exit 0' TERM; sleep 600 & wait", List.of());
        String server = sandboxAccount.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(web).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();
        Task running = BerthEnvironment.awaitStatus(sandboxAccount, CLUSTER, server, "RUNNING", TIMEOUT);
        String address = running.containers().get(0).networkInterfaces().get(0).privateIpv4Address();

        String fetch = register(sandboxAccount, "sandbox-client", "for i in 1 2 3 4 5 6 7 8 9 10; do "
                + "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 5 nc " + address + " 8080 | grep hello "
                + "&& printf 'GET /metadata.json HTTP/1.0\\r\\n\\r\\n' | timeout 5 nc " + address + " 8080 | grep TaskARN && exit 0; sleep 1; done; exit 1", List.of());
        Task client = runToEnd(sandboxAccount, fetch);
        sandboxAccount.stopTask(request -> request.cluster(CLUSTER).task(server));
        Task stopped = BerthEnvironment.awaitStatus(sandboxAccount, CLUSTER, server, "STOPPED", TIMEOUT);

        List<String> fetched = texts(sandboxKeys, client);
        assertThat(client.containers().get(0).exitCode()).as("client: %s; server: %s", fetched, texts(sandboxKeys, stopped)).isZero();
        assertThat(fetched).contains("hello-from-gvisor");
        // the metadata endpoint answered the sandboxed server with its own task
        assertThat(String.join("\n", fetched)).contains("\"TaskARN\":\"" + server + "\"");
        // the stop reached the sandboxed shell, whose trap exits 0
        assertThat(stopped.containers().get(0).exitCode()).isZero();
    }

    @Test
    void invalidTagsAreRefusedAsEcsRefusesThem()
    {
        assertThatThrownBy(() -> register(containerAccount, "bad-tier", "true", List.of(isolationTag("microvm"))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("berth:isolation").hasMessageContaining("container, sandbox");
        assertThatThrownBy(() -> register(containerAccount, "bad-berth-key", "true", List.of(Tag.builder().key("berth:isolaton").value("sandbox").build())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("reserved for Berth");
        assertThatThrownBy(() -> register(containerAccount, "aws-key", "true", List.of(Tag.builder().key("aws:team").value("a").build())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("aws:");
        assertThat(containerAccount.listTaskDefinitionFamilies(request -> request.familyPrefix("bad-")).families()).isEmpty();
    }

    @Test
    void aFleetWithoutRunscLeavesASandboxTaskUnplacedAndSaysWhy()
            throws Exception
    {
        try (BerthEnvironment withoutRunsc = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-no-runsc"),
                config -> config.withPlacementTimeout(Duration.ofSeconds(3)),
                config -> config.withRunsc(Path.of("/nonexistent/runsc")))) {
            AccountKeys keys = AccountKeys.create(withoutRunsc, "wants-sandbox", "sandbox");
            try (EcsClient ecs = withoutRunsc.client(keys.accessKeyId(), keys.secretAccessKey())) {
                ecs.createCluster(request -> request.clusterName(CLUSTER));
                String definition = ecs.registerTaskDefinition(request -> request.family("unplaceable").cpu("256").memory("512")
                                .networkMode(NetworkMode.AWSVPC).requiresCompatibilities(Compatibility.FARGATE)
                                .containerDefinitions(ContainerDefinition.builder().name("main").image(withoutRunsc.image()).command("true").build()))
                        .taskDefinition().taskDefinitionArn();
                String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();

                Task stopped = BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);

                assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
                assertThat(stopped.stoppedReason()).startsWith("Unable to place task: ").contains("no host offers isolation sandbox");
                assertThat(stopped.pullStartedAt()).as("never reached a host").isNull();
            }
            assertThat(isolationTiersOfHosts(withoutRunsc)).containsExactly("container");
        }
        assertThat(isolationTiersOfHosts(environment)).as("the host with runsc").containsExactly("container", "sandbox");
    }

    /** The tiers the hosts offer, as `berth host ls` shows them. */
    private static List<String> isolationTiersOfHosts(BerthEnvironment berth)
    {
        try (var operator = SignedClients.operator(berth)) {
            List<String> tiers = new java.util.ArrayList<>();
            operator.admin("GET", "/berth/hosts", java.util.Map.of(), null).path("hosts")
                    .forEach(host -> host.path("isolationTiers").forEach(tier -> tiers.add(tier.asText())));
            return tiers;
        }
    }

    private static Tag isolationTag(String value)
    {
        return Tag.builder().key("berth:isolation").value(value).build();
    }

    private static String register(EcsClient ecs, String family, String shellCommand, List<Tag> tags)
    {
        return ecs.registerTaskDefinition(request -> request.family(family).cpu("256").memory("512")
                        .networkMode(NetworkMode.AWSVPC).requiresCompatibilities(Compatibility.FARGATE).tags(tags)
                        .containerDefinitions(ContainerDefinition.builder().name("main").image(environment.image())
                                .command("sh", "-c", shellCommand).stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
    }

    private static Task runToEnd(EcsClient ecs, String definition)
    {
        String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();
        return BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
    }

    private static String isolationOf(Task task)
    {
        return task.attributes().stream().filter(attribute -> attribute.name().equals("berth.isolation")).map(Attribute::value).findFirst().orElse(null);
    }

    private static List<LogLines.Line> lines(AccountKeys keys, Task task)
    {
        try (var client = SignedClients.of(environment, keys)) {
            return LogLines.readAll(client, CLUSTER, task.taskArn());
        }
    }

    private static List<String> texts(AccountKeys keys, Task task)
    {
        return lines(keys, task).stream().map(LogLines.Line::text).toList();
    }

    private static String hostKernelVersion()
            throws Exception
    {
        return Files.readString(Path.of("/proc/version")).strip();
    }
}
