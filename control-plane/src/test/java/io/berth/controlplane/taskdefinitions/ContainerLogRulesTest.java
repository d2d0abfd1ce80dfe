package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerLogRulesTest
{
    @Test
    void awslogsOptionsGiveTheStreamEcsNames()
    {
        AwsLogsOptions options = ContainerLogRules.check(container(Map.of("logDriver", "awslogs", "options",
                Map.of("awslogs-group", "/ecs/web", "awslogs-stream-prefix", "web", "awslogs-region", "eu-west-1", "awslogs-create-group", "true"))));
        assertThat(options).isEqualTo(new AwsLogsOptions("/ecs/web", "web", "eu-west-1", true));
        assertThat(options.destination("main", "abc").stream()).isEqualTo("web/main/abc");
        assertThat(ContainerLogRules.check(new ContainerDefinition("main", "img", null, null, null, true, null, null, null, null, null, null, Map.of())))
                .isNull();
    }

    @Test
    void whatTheDriverCannotHonourIsRefusedByName()
    {
        assertRefused(Map.of("logDriver", "splunk", "options", Map.of()), "splunk");
        assertRefused(Map.of("logDriver", "awslogs", "options", Map.of("awslogs-group", "/g")), "awslogs-stream-prefix");
        assertRefused(Map.of("logDriver", "awslogs", "options", Map.of("awslogs-stream-prefix", "p")), "awslogs-group");
        assertRefused(Map.of("logDriver", "awslogs", "options", Map.of("awslogs-group", "/g", "awslogs-stream-prefix", "p", "mode", "non-blocking")), "mode");
        assertRefused(Map.of("logDriver", "awslogs", "options", Map.of("awslogs-group", "/g", "awslogs-stream-prefix", "p", "awslogs-create-group", "yes")),
                "awslogs-create-group");
        assertRefused(Map.of("logDriver", "awslogs", "options", Map.of("awslogs-group", "bad name", "awslogs-stream-prefix", "p")), "bad name");
        assertRefused(Map.of("logDriver", "awslogs", "options", Map.of("awslogs-group", "/g", "awslogs-stream-prefix", "p"),
                "secretOptions", List.of(Map.of("name", "x", "valueFrom", "y"))), "secretOptions");
    }

    private static void assertRefused(Map<String, Object> configuration, String named)
    {
        assertThatThrownBy(() -> ContainerLogRules.check(container(configuration))).isInstanceOf(InvalidRequestException.class).hasMessageContaining(named);
    }

    private static ContainerDefinition container(Map<String, Object> logConfiguration)
    {
        return new ContainerDefinition("main", "img", null, null, null, true, null, null, null, null, null, null, Map.of("logConfiguration", logConfiguration));
    }
}
