package io.berth.controlplane.resources;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ArnsTest
{
    @Test
    void buildsEcsArns()
    {
        assertThat(Arns.cluster("us-east-1", "123456789012", "default")).isEqualTo("arn:aws:ecs:us-east-1:123456789012:cluster/default");
        assertThat(Arns.taskDefinition("eu-west-1", "123456789012", "web", 3)).isEqualTo("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3");
        assertThat(Arns.task("us-east-1", "123456789012", "prod", "0123456789abcdef0123456789abcdef"))
                .isEqualTo("arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef");
    }

    @Test
    void parsesArns()
    {
        assertThat(Arns.parse("arn:aws:ecs:us-east-1:123456789012:task/prod/abc"))
                .contains(new Arns.Arn("us-east-1", "123456789012", "task", "prod/abc"));
        assertThat(Arns.parse("arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"))
                .contains(new Arns.Arn("us-east-1", "123456789012", "task-definition", "web:3"));
        assertThat(Arns.parse("arn:aws:s3:::bucket/key")).isEmpty();
        assertThat(Arns.parse("default")).isEmpty();
        assertThat(Arns.parse("arn:aws:ecs:us-east-1:123456789012:cluster/")).isEmpty();
    }

    @Test
    void resolvesNamesAndArnsOfTheCallersAccountOnly()
    {
        assertThat(Arns.resourceId("prod", "cluster", "111111111111")).contains("prod");
        assertThat(Arns.resourceId("arn:aws:ecs:us-east-1:111111111111:cluster/prod", "cluster", "111111111111")).contains("prod");
        assertThat(Arns.resourceId("arn:aws:ecs:us-east-1:222222222222:cluster/prod", "cluster", "111111111111")).isEmpty();
        assertThat(Arns.resourceId("arn:aws:ecs:us-east-1:111111111111:task/prod/abc", "cluster", "111111111111")).isEmpty();
    }

    @Test
    void pageTokensRoundTrip()
    {
        assertThat(Page.decodeToken(Page.encodeToken(42))).contains(42);
        assertThat(Page.decodeToken(null)).contains(0);
        assertThat(Page.decodeToken("not-a-token")).isEmpty();
        Page<Integer> page = Page.of(java.util.List.of(1, 2, 3), 10, 2);
        assertThat(page.items()).containsExactly(1, 2);
        assertThat(Page.decodeToken(page.nextToken())).contains(12);
        assertThat(Page.of(java.util.List.of(1, 2), 0, 2).nextToken()).isNull();
    }
}
