package io.berth.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterSetting;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskField;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tags on clusters, task definitions and tasks through the AWS SDK for Java v2: given at creation, added, changed
 * and removed with TagResource and UntagResource, shown by ListTagsForResource and by Describe* with include TAGS;
 * ECS's limits and reserved keys refused with its errors; another account's resources neither seen nor touched.
 * Cluster settings (containerInsights) are stored and echoed; what Berth does not honour is refused by name.
 */
class ResourceTagsEndToEndTest
{
    @RegisterExtension
    static final TwoAccounts accounts = new TwoAccounts("tags");

    @Test
    void clusterTagsRoundTripAndShowOnlyWhenIncluded()
    {
        Cluster created = accounts.owner().createCluster(request -> request.clusterName("tagged").tags(tag("team", "a"), tag("env", "dev"))).cluster();
        assertThat(created.tags()).containsExactly(tag("team", "a"), tag("env", "dev"));
        String arn = created.clusterArn();

        accounts.owner().tagResource(request -> request.resourceArn(arn).tags(tag("env", "prod"), tag("cost", "7")));
        accounts.owner().untagResource(request -> request.resourceArn(arn).tagKeys("team", "absent"));

        assertThat(accounts.owner().listTagsForResource(request -> request.resourceArn(arn)).tags()).containsExactly(tag("env", "prod"), tag("cost", "7"));
        assertThat(accounts.owner().describeClusters(request -> request.clusters("tagged").include(ClusterField.TAGS)).clusters().get(0).tags())
                .containsExactly(tag("env", "prod"), tag("cost", "7"));
        assertThat(accounts.owner().describeClusters(request -> request.clusters("tagged")).clusters().get(0).tags()).isEmpty();
    }

    @Test
    void taskDefinitionTagsChangedLaterArePropagatedToNewTasks()
    {
        String definition = accounts.owner().registerTaskDefinition(request -> request.family("tagdef").cpu("256").memory("512").networkMode("awsvpc")
                        .requiresCompatibilities(software.amazon.awssdk.services.ecs.model.Compatibility.FARGATE)
                        .containerDefinitions(software.amazon.awssdk.services.ecs.model.ContainerDefinition.builder().name("main")
                                .image(accounts.environment().image()).command("sleep", "600").stopTimeout(2).build())
                        .tags(tag("team", "def")))
                .taskDefinition().taskDefinitionArn();
        accounts.owner().tagResource(request -> request.resourceArn(definition).tags(tag("cost", "42")));
        assertThat(accounts.owner().describeTaskDefinition(request -> request.taskDefinition(definition).include(TaskDefinitionField.TAGS)).tags())
                .containsExactly(tag("team", "def"), tag("cost", "42"));

        accounts.owner().createCluster(request -> request.clusterName("tagrun"));
        String taskArn = accounts.owner().runTask(request -> request.cluster("tagrun").taskDefinition(definition).networkConfiguration(BerthEnvironment.awsvpc())
                        .propagateTags(PropagateTags.TASK_DEFINITION).enableECSManagedTags(true).tags(tag("own", "1")))
                .tasks().get(0).taskArn();
        accounts.owner().tagResource(request -> request.resourceArn(taskArn).tags(tag("later", "yes")));
        accounts.owner().untagResource(request -> request.resourceArn(taskArn).tagKeys("own"));

        List<Tag> tags = accounts.owner().describeTasks(request -> request.cluster("tagrun").tasks(taskArn).include(TaskField.TAGS)).tasks().get(0).tags();
        // the managed aws:ecs:clusterName stays, after the tags the user set
        assertThat(tags).containsExactly(tag("team", "def"), tag("cost", "42"), tag("later", "yes"), tag("aws:ecs:clusterName", "tagrun"));
        assertThat(accounts.owner().listTagsForResource(request -> request.resourceArn(taskArn)).tags()).isEqualTo(tags);

        InvalidParameterException managed = catchThrowableOfType(InvalidParameterException.class,
                () -> accounts.owner().untagResource(request -> request.resourceArn(taskArn).tagKeys("aws:ecs:clusterName")));
        assertRefusal(managed, "reserved for AWS use");
        accounts.owner().stopTask(request -> request.cluster("tagrun").task(taskArn));
        BerthEnvironment.awaitStatus(accounts.owner(), "tagrun", taskArn, "STOPPED", BerthCluster.TIMEOUT);
    }

    @Test
    void ecsTagLimitsAreRefusedAndChangeNothing()
    {
        String arn = accounts.owner().createCluster(request -> request.clusterName("limits").tags(tag("keep", "1"))).cluster().clusterArn();

        List<Tag> fifty = IntStream.range(0, 50).mapToObj(i -> tag("k" + i, "v")).toList();
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().tagResource(request -> request.resourceArn(arn).tags(fifty))),
                "at most 50 tags");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().tagResource(request -> request.resourceArn(arn)
                .tags(tag("k".repeat(129), "v")))), "1 to 128 characters");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().tagResource(request -> request.resourceArn(arn)
                .tags(tag("k", "v".repeat(257))))), "at most 256 characters");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().tagResource(request -> request.resourceArn(arn)
                .tags(tag("AWS:mine", "v")))), "reserved for AWS use");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().createCluster(request -> request.clusterName("limits2")
                .tags(tag("aws:x", "v")))), "reserved for AWS use");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().tagResource(request -> request
                .resourceArn(arn.replace(":cluster/", ":container-instance/")).tags(tag("a", "b")))), "cannot be tagged");

        assertThat(accounts.owner().listTagsForResource(request -> request.resourceArn(arn)).tags()).containsExactly(tag("keep", "1"));
        assertThat(accounts.owner().listClusters().clusterArns()).noneMatch(clusterArn -> clusterArn.endsWith("/limits2"));
    }

    @Test
    void anotherAccountsResourcesAreNotFoundAndStayUntouched()
    {
        String arn = accounts.owner().createCluster(request -> request.clusterName("private").tags(tag("secret", "1"))).cluster().clusterArn();

        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.stranger().listTagsForResource(request -> request.resourceArn(arn))),
                "not found");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.stranger().tagResource(request -> request.resourceArn(arn)
                .tags(tag("mine", "now")))), "not found");
        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.stranger().untagResource(request -> request.resourceArn(arn)
                .tagKeys("secret"))), "not found");

        assertThat(accounts.owner().listTagsForResource(request -> request.resourceArn(arn)).tags()).containsExactly(tag("secret", "1"));
    }

    @Test
    void clusterSettingsAreStoredAndEchoed()
    {
        Cluster created = accounts.owner().createCluster(request -> request.clusterName("insights")
                .settings(ClusterSetting.builder().name(ClusterSettingName.CONTAINER_INSIGHTS).value("enabled").build())).cluster();
        assertThat(created.settings()).containsExactly(setting("enabled"));

        Cluster updated = accounts.owner().updateClusterSettings(request -> request.cluster("insights").settings(setting("disabled"))).cluster();
        assertThat(updated.settings()).containsExactly(setting("disabled"));
        assertThat(accounts.owner().updateCluster(request -> request.cluster("insights").settings(setting("enhanced"))).cluster().settings())
                .containsExactly(setting("enhanced"));
        assertThat(accounts.owner().describeClusters(request -> request.clusters("insights").include(ClusterField.SETTINGS)).clusters().get(0).settings())
                .containsExactly(setting("enhanced"));
        // as ECS, settings only when include asks for them
        assertThat(accounts.owner().describeClusters(request -> request.clusters("insights")).clusters().get(0).settings()).isEmpty();

        assertRefusal(catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().updateClusterSettings(request -> request.cluster("insights")
                .settings(setting("sometimes")))), "enabled, disabled or enhanced");
        assertRefusal(catchThrowableOfType(ClientException.class, () -> accounts.owner().updateCluster(request -> request.cluster("insights")
                .serviceConnectDefaults(defaults -> defaults.namespace("ns")))), "serviceConnectDefaults");
        assertRefusal(catchThrowableOfType(ClientException.class, () -> accounts.owner().createCluster(request -> request.clusterName("configured")
                .configuration(configuration -> configuration.executeCommandConfiguration(command -> command.kmsKeyId("k"))))), "configuration");
        // the other account cannot change it
        EcsException foreign = catchThrowableOfType(EcsException.class, () -> accounts.stranger().updateClusterSettings(request -> request
                .cluster(updated.clusterArn()).settings(setting("disabled"))));
        assertThat(foreign.awsErrorDetails().errorCode()).isEqualTo("ClusterNotFoundException");
        assertThat(accounts.owner().describeClusters(request -> request.clusters("insights").include(ClusterField.SETTINGS)).clusters().get(0).settings())
                .containsExactly(setting("enhanced"));
    }

    private static ClusterSetting setting(String value)
    {
        return ClusterSetting.builder().name(ClusterSettingName.CONTAINER_INSIGHTS).value(value).build();
    }

    private static Tag tag(String key, String value)
    {
        return Tag.builder().key(key).value(value).build();
    }

    private static void assertRefusal(EcsException error, String messagePart)
    {
        assertThat(error).isNotNull();
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.awsErrorDetails().errorMessage()).contains(messagePart);
    }
}
