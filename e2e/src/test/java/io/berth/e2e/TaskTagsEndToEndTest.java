package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * RunTask's tag fields through the AWS SDK for Java v2 on a real task: its own tags, the task definition's copied
 * with propagateTags TASK_DEFINITION (its own win), and ECS's managed aws:ecs:clusterName, shown by DescribeTasks
 * with include TAGS and not without; what Berth cannot honour (propagateTags SERVICE) is a 400 that names it, as is a
 * strategy naming a provider the cluster lacks, and a strategy of FARGATE alone runs as the FARGATE launch type. ListTagsForResource shows the same tags.
 */
class TaskTagsEndToEndTest
{
    private static final String CLUSTER = "runtags";

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    @Test
    void describeTasksShowsOwnPropagatedAndManagedTagsOnlyWhenAskedToIncludeThem()
    {
        String definition = register("tagged");

        String taskArn = berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                        .tags(tag("team", "task"), tag("env", "prod"))
                        .propagateTags(PropagateTags.TASK_DEFINITION)
                        .enableECSManagedTags(true))
                .tasks().get(0).taskArn();
        Task stopped = berth.awaitStatus(taskArn, "STOPPED");
        assertThat(stopped.containers().get(0).exitCode()).isZero();

        Task withTags = berth.ecs().describeTasks(request -> request.cluster(CLUSTER).tasks(taskArn).include(TaskField.TAGS)).tasks().get(0);
        assertThat(withTags.tags()).containsExactly(tag("team", "task"), tag("env", "prod"), tag("cost", "42"), tag("aws:ecs:clusterName", CLUSTER));
        Task withoutTags = berth.ecs().describeTasks(request -> request.cluster(CLUSTER).tasks(taskArn)).tasks().get(0);
        assertThat(withoutTags.hasTags()).isFalse();
        assertThat(berth.ecs().listTagsForResource(request -> request.resourceArn(taskArn)).tags()).isEqualTo(withTags.tags());
        assertThat(berth.ecs().listTagsForResource(request -> request.resourceArn(definition)).tags()).containsExactly(tag("team", "definition"), tag("cost", "42"));

        String plainArn = berth.runFargate(definition);
        assertThat(berth.ecs().describeTasks(request -> request.cluster(CLUSTER).tasks(plainArn).include(TaskField.TAGS)).tasks().get(0).tags()).isEmpty();
        berth.awaitStatus(plainArn, "STOPPED");
    }

    @Test
    void whatBerthCannotHonourIsA400NamingItAndStartsNoTask()
    {
        String definition = register("refused");
        int before = berth.ecs().listTasks(request -> request.cluster(CLUSTER).desiredStatus("STOPPED")).taskArns().size()
                + berth.ecs().listTasks(request -> request.cluster(CLUSTER)).taskArns().size();

        InvalidParameterException service = catchThrowableOfType(InvalidParameterException.class, () -> berth.ecs().runTask(request -> request
                .networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE).propagateTags(PropagateTags.SERVICE)));
        assertRefusal(service, "propagateTags SERVICE");

        // as in ECS, a strategy may name only providers associated with the cluster
        berth.ecs().createCluster(request -> request.clusterName(CLUSTER + "-bare"));
        InvalidParameterException spot = catchThrowableOfType(InvalidParameterException.class, () -> berth.ecs().runTask(request -> request
                .networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER + "-bare").taskDefinition(definition)
                .capacityProviderStrategy(CapacityProviderStrategyItem.builder().capacityProvider("FARGATE_SPOT").weight(1).build())));
        assertRefusal(spot, "not associated with the cluster: 'FARGATE_SPOT'");

        InvalidParameterException both = catchThrowableOfType(InvalidParameterException.class, () -> berth.ecs().runTask(request -> request
                .networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                .capacityProviderStrategy(CapacityProviderStrategyItem.builder().capacityProvider("FARGATE").build())));
        assertRefusal(both, "capacityProviderStrategy");

        int after = berth.ecs().listTasks(request -> request.cluster(CLUSTER).desiredStatus("STOPPED")).taskArns().size()
                + berth.ecs().listTasks(request -> request.cluster(CLUSTER)).taskArns().size();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aStrategyOfFargateAloneRunsAsTheFargateLaunchType()
    {
        String definition = register("strategy");
        berth.ecs().putClusterCapacityProviders(request -> request.cluster(CLUSTER).capacityProviders("FARGATE", "FARGATE_SPOT")
                .defaultCapacityProviderStrategy(List.of()));

        Task task = berth.ecs().runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition)
                        .capacityProviderStrategy(CapacityProviderStrategyItem.builder().capacityProvider("FARGATE").weight(1).build()))
                .tasks().get(0);

        assertThat(task.launchType()).isEqualTo(LaunchType.FARGATE);
        assertThat(task.capacityProviderName()).isEqualTo("FARGATE");
        assertThat(berth.awaitStatus(task.taskArn(), "STOPPED").containers().get(0).exitCode()).isZero();
    }

    private static void assertRefusal(EcsException error, String messagePart)
    {
        assertThat(error).isNotNull();
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.awsErrorDetails().errorMessage()).contains(messagePart);
    }

    private static String register(String family)
    {
        ContainerDefinition container = ContainerDefinition.builder()
                .name("main")
                .image(berth.environment().image())
                .command(List.of("sh", "-c", "true"))
                .build();
        return berth.ecs().registerTaskDefinition(request -> request
                        .family(family)
                        .cpu("256")
                        .memory("512")
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(container)
                        .tags(tag("team", "definition"), tag("cost", "42")))
                .taskDefinition().taskDefinitionArn();
    }

    private static Tag tag(String key, String value)
    {
        return Tag.builder().key(key).value(value).build();
    }
}
