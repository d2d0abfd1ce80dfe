package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.ContainerLimit;
import io.berth.common.agentprotocol.ContainerLinuxOptions;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskDefinitionRequest;
import io.berth.controlplane.tasks.TaskComposition;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container fields that shape the sandbox, through RegisterTaskDefinition and RunTask as the HTTP layer
 * calls them: what is accepted reaches the agent's spec, what Fargate refuses is refused with a message naming
 * the field, and no number out of range is a server error.
 */
class SandboxFieldsActionsTest
{
    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private EcsClient client;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        client = new EcsClient(controlPlane, controlPlane.accounts().createAccount("sandbox"));
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void acceptedFieldsReachTheAgentAndEchoAsGiven()
    {
        String request = """
                {"family": "hardened", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "pidMode": "task",
                 "containerDefinitions": [{"name": "app", "image": "i", "memory": 256, "memoryReservation": 128,
                   "readonlyRootFilesystem": true, "privileged": false, "stopTimeout": 120,
                   "linuxParameters": {"initProcessEnabled": true, "capabilities": {"add": ["SYS_PTRACE"], "drop": ["ALL"]}},
                   "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}, {"name": "nproc", "softLimit": 100, "hardLimit": 100}]}]}""";
        JsonNode registered = client.call("RegisterTaskDefinition", request).get("taskDefinition");
        JsonNode container = registered.get("containerDefinitions").get(0);
        assertThat(container.get("readonlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.get("linuxParameters").get("capabilities").get("drop").get(0).asText()).isEqualTo("ALL");
        assertThat(container.get("ulimits")).hasSize(2);

        TaskDefinitionRequest decoded = TaskDefinitionWire.request(EcsClient.parse(request));
        TaskDefinition definition = new TaskDefinition("123456789012", registered.get("taskDefinitionArn").asText(), "hardened", 1, TaskDefinition.Status.ACTIVE,
                decoded.containerDefinitions(), 256, 512, "awsvpc", null, null, List.of(), decoded.otherFields(), Instant.EPOCH, null);
        ContainerSpec spec = TaskComposition.containers(definition, TaskOverrides.NONE, definition.size()).getFirst();
        assertThat(spec.memoryMiB()).isEqualTo(256);
        assertThat(spec.stopTimeoutSeconds()).isEqualTo(120);
        assertThat(spec.linux()).isEqualTo(new ContainerLinuxOptions(true, true, List.of("SYS_PTRACE"), List.of("ALL"),
                List.of(new ContainerLimit("nofile", 1024, 4096), new ContainerLimit("nproc", 100, 100)), 128));
    }

    @Test
    void privilegedAndHostNamespacesAreRefusedAsOnFargate()
    {
        assertRefused(container("\"privileged\": true"), "ClientException", "privileged");
        assertRefused(task("\"pidMode\": \"host\""), "ClientException", "pidMode 'host'");
        assertRefused(task("\"pidMode\": \"container\""), "InvalidParameterException", "pidMode");
        assertRefused(task("\"ipcMode\": \"host\""), "ClientException", "ipcMode 'host'");
        assertRefused(task("\"ipcMode\": \"task\""), "ClientException", "ipcMode 'task'");
        assertRefused("""
                {"family": "two", "requiresCompatibilities": ["FARGATE"], "pidMode": "task", "containerDefinitions": [{"name": "a", "image": "i"}, {"name": "b", "image": "i"}]}""",
                "ClientException", "pidMode 'task'");
    }

    @Test
    void capabilitiesAddOnlySysPtraceAndKnownNames()
    {
        assertRefused(container("\"linuxParameters\": {\"capabilities\": {\"add\": [\"SYS_ADMIN\"]}}"), "ClientException", "SYS_ADMIN", "only SYS_PTRACE");
        assertRefused(container("\"linuxParameters\": {\"capabilities\": {\"add\": [\"ALL\"]}}"), "ClientException", "'ALL'", "only SYS_PTRACE");
        assertRefused(container("\"linuxParameters\": {\"capabilities\": {\"drop\": [\"CAP_CHOWN\"]}}"), "ClientException", "CAP_CHOWN",
                "linuxParameters.capabilities.drop");
        assertRefused(container("\"linuxParameters\": {\"capabilities\": {\"drop\": \"ALL\"}}"), "InvalidParameterException", "linuxParameters.capabilities.drop");
        assertRefused(container("\"linuxParameters\": {\"devices\": [{\"hostPath\": \"/dev/sda\"}]}"), "ClientException", "linuxParameters.devices");
        assertRefused(container("\"linuxParameters\": {\"sharedMemorySize\": 64}"), "ClientException", "linuxParameters.sharedMemorySize");
        assertRefused(container("\"linuxParameters\": {\"initProcessEnabled\": \"yes\"}"), "InvalidParameterException", "initProcessEnabled");
        assertRefused(container("\"readonlyRootFilesystem\": 1"), "InvalidParameterException", "readonlyRootFilesystem");
        assertRefused(container("\"linuxParameters\": {\"capabilities\": {\"adds\": [\"SYS_PTRACE\"]}}"), "ClientException", "linuxParameters.capabilities.adds");
        assertRefused(container("\"linuxParameters\": {\"seccomp\": true}"), "ClientException", "linuxParameters.seccomp");
        assertRefused(container("\"dockerSecurityOptions\": [\"seccomp=unconfined\"]"), "ClientException", "dockerSecurityOptions");
        // credentials that are no Secrets Manager secret, or secrets that name nothing Berth can read: refused at registration
        assertRefused(container("\"repositoryCredentials\": {\"credentialsParameter\": \"arn:aws:ssm:us-east-1:1:parameter/x\"}"), "InvalidParameterException",
                "repositoryCredentials.credentialsParameter", "Secrets Manager");
        assertRefused(container("\"repositoryCredentials\": {\"user\": \"a\"}"), "InvalidParameterException", "repositoryCredentials.user");
        assertRefused(container("\"secrets\": [{\"name\": \"A\", \"valueFrom\": \"arn:aws:s3:::bucket\"}]"), "InvalidParameterException", "valueFrom");
        assertRefused(container("\"secrets\": [{\"name\": \"A\"}]"), "InvalidParameterException", "valueFrom");
    }

    @Test
    void ulimitsAreChecked()
    {
        assertRefused(container(ulimit("nofile", "2048", "1024")), "ClientException", "nofile", "softLimit 2048", "hardLimit 1024");
        assertRefused(container(ulimit("nofile", "-1", "1024")), "ClientException", "nofile", "softLimit");
        assertRefused(container(ulimit("nofile", "1024", "2147483648")), "ClientException", "nofile", "hardLimit");
        assertRefused(container(ulimit("nofile", "1024", "2000000")), "ClientException", "nofile", "1048576");
        assertRefused(container(ulimit("files", "1", "1")), "ClientException", "'files'", "ulimits");
        assertRefused(container("\"ulimits\": [{\"name\": \"nofile\", \"softLimit\": 1, \"hardLimit\": 1, \"limit\": 5}]"), "ClientException", "'limit'", "ulimits");
        assertRefused(container("\"ulimits\": [{\"name\": \"nproc\", \"softLimit\": 1, \"hardLimit\": 1}, {\"name\": \"nproc\", \"softLimit\": 2, \"hardLimit\": 2}]"),
                "ClientException", "'nproc'", "more than once");
    }

    @Test
    void containerMemoryIsChecked()
    {
        assertRefused(container("\"memory\": 4"), "ClientException", "'memory'", "6 MiB");
        assertRefused(container("\"memoryReservation\": 4"), "ClientException", "'memoryReservation'", "6 MiB");
        assertRefused(container("\"memory\": 64, \"memoryReservation\": 128"), "ClientException", "memoryReservation (128)", "memory (64)");
        assertRefused(container("\"memory\": 1024"), "ClientException", "'memory'", "greater than for the task");
        assertRefused("""
                {"family": "sum", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                 "containerDefinitions": [{"name": "a", "image": "i", "memory": 300}, {"name": "b", "image": "i", "memory": 300}]}""",
                "ClientException", "adds up to 600 MiB");
        // past an int: the body does not fit ECS's model, as for any value of the wrong type
        assertRefused(container("\"memory\": 2147483648"), "SerializationException", "'memory'");
    }

    @Test
    void numbersOutOfRangeAreClientErrors()
    {
        assertRefused("{\"family\": \"big\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"2147483648\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}",
                "ClientException", "'cpu'");
        assertRefused("{\"family\": \"big\", \"requiresCompatibilities\": [\"FARGATE\"], \"memory\": \"2147483648\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}",
                "ClientException", "'memory'");
        assertRefused("{\"family\": \"big\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": 2147483648, \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}",
                "ClientException", "'cpu'");
        assertRefused("{\"family\": \"big\", \"requiresCompatibilities\": [\"FARGATE\"], \"memory\": \"99999999999 GB\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}",
                "ClientException", "'memory'");
        assertRefused(container("\"stopTimeout\": 121"), "ClientException", "'stopTimeout'", "0 to 120");
        assertRefused(container("\"stopTimeout\": -1"), "ClientException", "'stopTimeout'");
        assertRefused(container("\"stopTimeout\": 99999999999999999999"), "ClientException", "'stopTimeout'");
        assertRefused(container("\"cpu\": -1"), "ClientException", "'cpu'");
        assertRefused(container("\"portMappings\": [{\"containerPort\": 70000}]"), "ClientException", "'containerPort'", "65535");
        assertRefused(container("\"portMappings\": [{\"containerPort\": -80}]"), "ClientException", "'containerPort'");

        client.call("RegisterTaskDefinition", container(""));
        assertRunRefused("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"one\", \"overrides\": {\"cpu\": \"2147483648\"}}", "ClientException", "'cpu'");
        assertRunRefused("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"one\", \"overrides\": {\"memory\": \"2147483648\"}}", "ClientException", "'memory'");
        assertRunRefused("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"one\", \"overrides\": {\"cpu\": 2147483648}}", "ClientException", "'cpu'");
        assertRunRefused(override("\"memory\": 2147483648"), "SerializationException", "'memory'");
        assertRunRefused(override("\"memory\": 4"), "ClientException", "'memory'", "6 MiB");
        assertRunRefused(override("\"memory\": 1024"), "ClientException", "'memory'", "512 MiB");
        assertRunRefused(override("\"memoryReservation\": -5"), "ClientException", "'memoryReservation'");
        assertRunRefused(override("\"memory\": 64, \"memoryReservation\": 128"), "ClientException", "memoryReservation (128)");
        assertRunRefused(override("\"cpu\": -1"), "ClientException", "'cpu'");
        assertRunRefused(override("\"cpu\": 4096"), "ClientException", "'cpu'", "256");
    }

    private void assertRefused(String request, String type, String... messageParts)
    {
        EcsException error = client.fails("RegisterTaskDefinition", request);
        assertThat(error).as("RegisterTaskDefinition %s", request).isNotNull();
        assertThat(error.type()).as(error.getMessage()).isEqualTo(type);
        assertThat(error.getMessage()).contains(messageParts);
    }

    private void assertRunRefused(String request, String type, String... messageParts)
    {
        EcsException error = client.fails("RunTask", request);
        assertThat(error).as("RunTask %s", request).isNotNull();
        assertThat(error.type()).as(error.getMessage()).isEqualTo(type);
        assertThat(error.getMessage()).contains(messageParts);
    }

    /** A one-container definition of the smallest size with the container fields given. */
    private static String container(String fields)
    {
        return "{\"family\": \"one\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\""
                + (fields.isEmpty() ? "" : ", " + fields) + "}]}";
    }

    private static String task(String fields)
    {
        return "{\"family\": \"one\", \"requiresCompatibilities\": [\"FARGATE\"], " + fields + ", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}";
    }

    private static String ulimit(String name, String soft, String hard)
    {
        return "\"ulimits\": [{\"name\": \"" + name + "\", \"softLimit\": " + soft + ", \"hardLimit\": " + hard + "}]";
    }

    private static String override(String fields)
    {
        return "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"one\", \"overrides\": {\"containerOverrides\": [{\"name\": \"a\", " + fields + "}]}}";
    }
}
