package io.berth.cli.commands;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TaskReferenceTest
{
    @Test
    void parsesIdsAndArns()
    {
        assertThat(TaskReference.parse("0123456789abcdef")).isEqualTo(new TaskReference("0123456789abcdef", Optional.empty()));
        assertThat(TaskReference.parse("arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef"))
                .isEqualTo(new TaskReference("0123456789abcdef", Optional.of("prod")));
        assertThat(TaskReference.parse("arn:aws:ecs:us-east-1:123456789012:task/0123456789abcdef"))
                .isEqualTo(new TaskReference("0123456789abcdef", Optional.empty()));
        assertThat(TaskReference.shortId("arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef")).isEqualTo("0123456789ab");
    }

    @Test
    void imageNamesBecomeFamilies()
    {
        assertThat(ImageNames.runFamily("busybox")).isEqualTo("berth-run-busybox");
        assertThat(ImageNames.runFamily("127.0.0.1:5000/library/busybox:1.36")).isEqualTo("berth-run-busybox");
        assertThat(ImageNames.runFamily("registry.example/team/My.App@sha256:abcd")).isEqualTo("berth-run-my-app");
    }

    @Test
    void agesReadNaturally()
    {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        assertThat(AgeFormat.ago(now.minusSeconds(1), now)).isEqualTo("1 second ago");
        assertThat(AgeFormat.ago(now.minusSeconds(59), now)).isEqualTo("59 seconds ago");
        assertThat(AgeFormat.ago(now.minusSeconds(180), now)).isEqualTo("3 minutes ago");
        assertThat(AgeFormat.ago(now.minusSeconds(7200), now)).isEqualTo("2 hours ago");
        assertThat(AgeFormat.ago(now.minusSeconds(3 * 86400), now)).isEqualTo("3 days ago");
        assertThat(AgeFormat.ago(now.plusSeconds(5), now)).isEqualTo("0 seconds ago");
    }
}
