package io.berth.agent.runtime;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class OomVerdictTest
{
    @Test
    void theContainerWasKilledForMemoryOnlyWhenItDiedOfSigkillAndTheKillerStruck()
    {
        assertThat(OomVerdict.containerKilled(137, OptionalLong.of(1), OptionalLong.empty())).isTrue();
        assertThat(OomVerdict.containerKilled(137, OptionalLong.of(0), OptionalLong.of(5))).as("a SIGKILL from elsewhere").isFalse();
    }

    @Test
    void aChildKilledForMemoryIsNotTheContainer()
    {
        assertThat(OomVerdict.containerKilled(0, OptionalLong.of(1), OptionalLong.of(1))).isFalse();
        assertThat(OomVerdict.containerKilled(1, OptionalLong.of(3), OptionalLong.of(3))).isFalse();
    }

    @Test
    void withoutTheOomKillCounterALimitHitIsTheSign()
    {
        assertThat(OomVerdict.containerKilled(137, OptionalLong.empty(), OptionalLong.of(2))).isTrue();
        assertThat(OomVerdict.containerKilled(137, OptionalLong.empty(), OptionalLong.of(0))).isFalse();
        assertThat(OomVerdict.containerKilled(137, OptionalLong.empty(), OptionalLong.empty())).isFalse();
    }
}
