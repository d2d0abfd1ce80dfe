package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeleteTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.GetTaskProtectionResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.ProtectedTask;
import software.amazon.awssdk.services.ecs.model.Setting;
import software.amazon.awssdk.services.ecs.model.SettingName;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The rest of the ECS surface a Fargate user touches, through the AWS SDK for Java v2 with two accounts apart:
 * capacity providers on clusters, DeleteTaskDefinitions, account settings, and Fargate's stricter RunTask checks
 * (networkConfiguration for awsvpc, wrong JSON types) with ECS's errors.
 */
class EcsSurfaceEndToEndTest
{
    @RegisterExtension
    static final TwoAccounts accounts = new TwoAccounts("surface");

    @Test
    void capacityProvidersAreStoredEchoedAndTheDefaultStrategyPlacesATaskWithoutALaunchType()
    {
        Cluster created = accounts.owner().createCluster(request -> request.clusterName("providers").capacityProviders("FARGATE")
                .defaultCapacityProviderStrategy(item("FARGATE", 1, 1))).cluster();
        assertThat(created.capacityProviders()).containsExactly("FARGATE");
        assertThat(created.defaultCapacityProviderStrategy()).containsExactly(item("FARGATE", 1, 1));

        Cluster updated = accounts.owner().putClusterCapacityProviders(request -> request.cluster("providers").capacityProviders("FARGATE", "FARGATE_SPOT")
                .defaultCapacityProviderStrategy(item("FARGATE", 1, 2), item("FARGATE_SPOT", 3, 0))).cluster();
        assertThat(updated.capacityProviders()).containsExactly("FARGATE", "FARGATE_SPOT");
        Cluster described = accounts.owner().describeClusters(request -> request.clusters("providers")).clusters().get(0);
        assertThat(described.defaultCapacityProviderStrategy()).containsExactly(item("FARGATE", 1, 2), item("FARGATE_SPOT", 3, 0));

        String definition = BerthEnvironment.registerSingleContainer(accounts.owner(), "providers", accounts.environment().image(), List.of("true"));
        // no launch type and no strategy: the cluster's default decides, and its FARGATE base of 2 takes the first tasks
        assertThat(accounts.owner().runTask(request -> request.cluster("providers").taskDefinition(definition).networkConfiguration(BerthEnvironment.awsvpc()))
                .tasks().get(0).capacityProviderName()).isEqualTo("FARGATE");
        // a launch type of its own runs
        String taskArn = accounts.owner().runTask(request -> request.cluster("providers").taskDefinition(definition).launchType(LaunchType.FARGATE)
                .networkConfiguration(BerthEnvironment.awsvpc())).tasks().get(0).taskArn();
        assertThat(BerthEnvironment.awaitStatus(accounts.owner(), "providers", taskArn, "STOPPED", BerthCluster.TIMEOUT).containers().get(0).exitCode()).isZero();

        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().putClusterCapacityProviders(request -> request.cluster("providers")
                .capacityProviders("FARGATE", "EC2_POOL").defaultCapacityProviderStrategy(item("FARGATE", 1, 0)))), "'EC2_POOL' does not exist");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().putClusterCapacityProviders(request -> request.cluster("providers")
                .capacityProviders("FARGATE").defaultCapacityProviderStrategy(item("FARGATE_SPOT", 1, 0)))), "not associated with the cluster");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().putClusterCapacityProviders(request -> request.cluster("providers")
                .capacityProviders("FARGATE", "FARGATE_SPOT").defaultCapacityProviderStrategy(item("FARGATE", 1, 1), item("FARGATE_SPOT", 1, 1)))),
                "Only one capacity provider");
        EcsException foreign = catchThrowableOfType(EcsException.class, () -> accounts.stranger().putClusterCapacityProviders(request -> request
                .cluster(created.clusterArn()).capacityProviders("FARGATE").defaultCapacityProviderStrategy(List.of())));
        assertThat(foreign.awsErrorDetails().errorCode()).isEqualTo("ClusterNotFoundException");
        assertThat(accounts.owner().describeClusters(request -> request.clusters("providers")).clusters().get(0).capacityProviders()).containsExactly("FARGATE", "FARGATE_SPOT");
    }

    @Test
    void aDefinitionWithoutRequiresCompatibilitiesIsValidatedForEc2OnlyAndDoesNotRunOnFargate()
    {
        ContainerDefinition container = ContainerDefinition.builder().name("main").image(accounts.environment().image()).essential(true).command("true").build();
        TaskDefinition plain = accounts.owner().registerTaskDefinition(request -> request.family("no-compatibilities").cpu("256").memory("512")
                .networkMode(NetworkMode.AWSVPC).containerDefinitions(container)).taskDefinition();
        assertThat(plain.compatibilitiesAsStrings()).containsExactly("EC2");
        assertThat(plain.requiresCompatibilities()).isEmpty();
        TaskDefinition fargate = accounts.owner().registerTaskDefinition(request -> request.family("no-compatibilities").cpu("256").memory("512")
                .networkMode(NetworkMode.AWSVPC).requiresCompatibilities(Compatibility.FARGATE).containerDefinitions(container)).taskDefinition();
        assertThat(fargate.compatibilitiesAsStrings()).containsExactly("EC2", "FARGATE");

        InvalidParameterException run = catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().runTask(request -> request
                .taskDefinition(plain.taskDefinitionArn()).launchType(LaunchType.FARGATE).networkConfiguration(BerthEnvironment.awsvpc())));
        assertRefusal(run, "Task definition does not support launch_type FARGATE.");
        assertThat(run.awsErrorDetails().errorMessage()).contains("requiresCompatibilities FARGATE");
        InvalidParameterException service = catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().createService(request -> request
                .serviceName("ec2-only").taskDefinition(plain.taskDefinitionArn()).desiredCount(1).networkConfiguration(BerthEnvironment.awsvpc())));
        assertRefusal(service, "Task definition does not support launch_type FARGATE.");
        assertThat(accounts.owner().listTasks(request -> request.family("no-compatibilities")).taskArns()).isEmpty();

        // the revision that requires FARGATE runs
        String taskArn = accounts.owner().runTask(request -> request.taskDefinition(fargate.taskDefinitionArn()).launchType(LaunchType.FARGATE)
                .networkConfiguration(BerthEnvironment.awsvpc())).tasks().get(0).taskArn();
        assertThat(BerthEnvironment.awaitStatus(accounts.owner(), "default", taskArn, "STOPPED", BerthCluster.TIMEOUT).containers().get(0).exitCode()).isZero();
    }

    @Test
    void deleteTaskDefinitionsTakesInactiveRevisionsOnly()
    {
        String first = BerthEnvironment.registerSingleContainer(accounts.owner(), "deletable", accounts.environment().image(), List.of("true"));
        String second = BerthEnvironment.registerSingleContainer(accounts.owner(), "deletable", accounts.environment().image(), List.of("true"));
        accounts.owner().deregisterTaskDefinition(request -> request.taskDefinition(first));

        // the other account's call finds nothing of the owner's
        DeleteTaskDefinitionsResponse foreign = accounts.stranger().deleteTaskDefinitions(request -> request.taskDefinitions(first));
        assertThat(foreign.taskDefinitions()).isEmpty();
        assertThat(foreign.failures().get(0).reason()).contains("does not exist");

        DeleteTaskDefinitionsResponse response = accounts.owner().deleteTaskDefinitions(request -> request.taskDefinitions(first, second, "deletable:99"));
        assertThat(response.taskDefinitions()).extracting(definition -> definition.taskDefinitionArn()).containsExactly(first);
        assertThat(response.taskDefinitions().get(0).status()).isEqualTo(TaskDefinitionStatus.DELETE_IN_PROGRESS);
        assertThat(response.failures()).extracting(failure -> failure.arn()).containsExactly(second, "deletable:99");
        assertThat(response.failures().get(0).reason()).contains("still in ACTIVE status");

        assertThat(accounts.owner().describeTaskDefinition(request -> request.taskDefinition(first)).taskDefinition().status()).isEqualTo(TaskDefinitionStatus.DELETE_IN_PROGRESS);
        assertThat(accounts.owner().listTaskDefinitions(request -> request.status(TaskDefinitionStatus.DELETE_IN_PROGRESS)).taskDefinitionArns()).containsExactly(first);
        assertRefusal(catchThrowableOfType(ClientException.class, () -> accounts.owner().runTask(request -> request.taskDefinition(first)
                .networkConfiguration(BerthEnvironment.awsvpc()))), "inactive");
    }

    @Test
    void accountSettingsAreStoredPerAccountAndPrincipalAndEchoed()
    {
        String root = "arn:aws:iam::" + accounts.ownerKeys().accountId() + ":root";
        String role = "arn:aws:iam::" + accounts.ownerKeys().accountId() + ":role/deployer";

        Setting own = accounts.owner().putAccountSetting(request -> request.name(SettingName.CONTAINER_INSIGHTS).value("enabled")).setting();
        assertThat(own.principalArn()).isEqualTo(root);
        assertThat(own.value()).isEqualTo("enabled");
        accounts.owner().putAccountSettingDefault(request -> request.name(SettingName.AWSVPC_TRUNKING).value("enabled"));
        accounts.owner().putAccountSetting(request -> request.name(SettingName.AWSVPC_TRUNKING).value("disabled").principalArn(role));

        assertThat(accounts.owner().listAccountSettings(request -> request.name(SettingName.CONTAINER_INSIGHTS)).settings()).containsExactly(own);
        assertThat(accounts.owner().listAccountSettings(request -> request.name(SettingName.AWSVPC_TRUNKING).effectiveSettings(true)).settings().get(0).value())
                .isEqualTo("enabled");
        assertThat(accounts.owner().listAccountSettings(request -> request.name(SettingName.AWSVPC_TRUNKING).principalArn(role).effectiveSettings(true)).settings()
                .get(0).value()).isEqualTo("disabled");
        // the account's containerInsights is the default of a new cluster
        assertThat(accounts.owner().createCluster(request -> request.clusterName("insightful")).cluster().settings().get(0).value()).isEqualTo("enabled");

        // the other account sees none of it
        assertThat(accounts.stranger().listAccountSettings(request -> request.name(SettingName.CONTAINER_INSIGHTS).effectiveSettings(true)).settings().get(0).value())
                .isEqualTo("disabled");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.stranger().putAccountSetting(request -> request
                .name(SettingName.AWSVPC_TRUNKING).value("enabled").principalArn(role))), "of your own account");

        assertThat(accounts.owner().deleteAccountSetting(request -> request.name(SettingName.CONTAINER_INSIGHTS)).setting().value()).isEqualTo("enabled");
        assertThat(accounts.owner().listAccountSettings(request -> request.name(SettingName.CONTAINER_INSIGHTS)).settings()).isEmpty();

        assertRefusal(catchThrowableOfType(ClientException.class, () -> accounts.owner().putAccountSetting(request -> request
                .name(SettingName.TASK_LONG_ARN_FORMAT).value("disabled"))), "long ARN format");
        assertRefusal(catchThrowableOfType(ClientException.class, () -> accounts.owner().putAccountSetting(request -> request
                .name("dualStackIPv6").value("enabled"))), "not supported by Berth");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().putAccountSetting(request -> request
                .name(SettingName.CONTAINER_INSIGHTS).value("sometimes"))), "disabled, enabled, enhanced");
    }

    @Test
    void runTaskIsAsStrictAsFargate()
            throws Exception
    {
        String definition = BerthEnvironment.registerSingleContainer(accounts.owner(), "strict", accounts.environment().image(), List.of("true"));
        int before = accounts.owner().listTasks().taskArns().size() + accounts.owner().listTasks(request -> request.desiredStatus("STOPPED")).taskArns().size();

        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().runTask(request -> request.taskDefinition(definition))),
                "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().runTask(request -> request.taskDefinition(definition)
                .networkConfiguration(network -> network.awsvpcConfiguration(awsvpc -> awsvpc.subnets(List.of()))))), "subnets can not be empty.");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().runTask(request -> request.taskDefinition(definition)
                .networkConfiguration(BerthEnvironment.awsvpc()).launchType(LaunchType.FARGATE)
                .capacityProviderStrategy(item("FARGATE", 1, 0)))), "launchType and a capacityProviderStrategy");

        // what the SDK cannot send: a string for tags, a number for a string field
        SignedRequests signed = new SignedRequests(accounts.environment());
        HttpResponse<String> stringTags = signed.post("RunTask", "{\"taskDefinition\": \"strict\", \"tags\": \"team=a\"}");
        assertThat(stringTags.statusCode()).isEqualTo(400);
        assertThat(stringTags.body()).contains("SerializationException").contains("'tags'");
        HttpResponse<String> numberFamily = signed.post("RegisterTaskDefinition", "{\"family\": 5, \"containerDefinitions\": []}");
        assertThat(numberFamily.statusCode()).isEqualTo(400);
        assertThat(numberFamily.body()).contains("SerializationException").contains("'family'");

        int after = accounts.owner().listTasks().taskArns().size() + accounts.owner().listTasks(request -> request.desiredStatus("STOPPED")).taskArns().size();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void taskProtectionIsStoredWithItsExpiryAndSeenOnlyByItsAccount()
    {
        accounts.environment().registerSleeper(accounts.owner());
        String taskArn = accounts.owner().runTask(request -> request.taskDefinition("sleeper").networkConfiguration(BerthEnvironment.awsvpc())).tasks().get(0).taskArn();
        BerthEnvironment.awaitStatus(accounts.owner(), "default", taskArn, "RUNNING", BerthCluster.TIMEOUT);

        Instant before = Instant.now();
        ProtectedTask protectedTask = accounts.owner().updateTaskProtection(request -> request.tasks(taskArn).protectionEnabled(true).expiresInMinutes(5))
                .protectedTasks().get(0);
        assertThat(protectedTask.protectionEnabled()).isTrue();
        assertThat(protectedTask.expirationDate()).isBetween(before.plusSeconds(299), Instant.now().plusSeconds(301));
        assertThat(accounts.owner().getTaskProtection(request -> request.tasks(taskArn)).protectedTasks()).containsExactly(protectedTask);

        // the other account's own default cluster has no such task
        GetTaskProtectionResponse foreign = accounts.stranger().getTaskProtection(request -> request.tasks(taskArn));
        assertThat(foreign.protectedTasks()).isEmpty();
        assertThat(foreign.failures().get(0).reason()).isEqualTo("MISSING");
        assertThat(accounts.stranger().updateTaskProtection(request -> request.tasks(taskArn).protectionEnabled(false)).failures().get(0).reason()).isEqualTo("MISSING");
        assertThat(accounts.owner().getTaskProtection(request -> request.tasks(taskArn)).protectedTasks().get(0).protectionEnabled()).isTrue();

        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().updateTaskProtection(request -> request.tasks(taskArn)
                .protectionEnabled(true).expiresInMinutes(2881))), "between 1 and 2880");
        assertThat(accounts.owner().updateTaskProtection(request -> request.tasks(taskArn).protectionEnabled(false)).protectedTasks().get(0).protectionEnabled()).isFalse();
        assertThat(accounts.owner().getTaskProtection(request -> request.tasks(taskArn)).protectedTasks().get(0).expirationDate()).isNull();

        accounts.owner().stopTask(request -> request.task(taskArn));
        BerthEnvironment.awaitStatus(accounts.owner(), "default", taskArn, "STOPPED", BerthCluster.TIMEOUT);
    }

    private static CapacityProviderStrategyItem item(String provider, int weight, int base)
    {
        return CapacityProviderStrategyItem.builder().capacityProvider(provider).weight(weight).base(base).build();
    }

    private static void assertRefusal(EcsException error, String messagePart)
    {
        assertThat(error).isNotNull();
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.awsErrorDetails().errorMessage()).contains(messagePart);
    }
}
