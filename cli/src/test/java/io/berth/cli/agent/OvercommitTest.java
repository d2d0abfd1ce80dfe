package io.berth.cli.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OvercommitTest
{
    @Test
    void offersTheFactorTimesTheRealCapacity()
    {
        Overcommit factors = new Overcommit(8, 1.5);
        assertThat(factors.cpuUnits(2048)).isEqualTo(16384);
        assertThat(factors.memoryMiB(1000)).isEqualTo(1500);
        assertThat(Overcommit.NONE.cpuUnits(2048)).isEqualTo(2048);
        assertThat(Overcommit.ALL_IN_ONE).isEqualTo(new Overcommit(8, 2));
    }

    @Test
    void refusesFactorsThatOfferNothingOrAreNotNumbers()
    {
        assertThatThrownBy(() -> new Overcommit(0, 1)).hasMessageContaining("cpu overcommit");
        assertThatThrownBy(() -> new Overcommit(1, -2)).hasMessageContaining("memory overcommit");
        assertThatThrownBy(() -> new Overcommit(Double.NaN, 1)).hasMessageContaining("cpu overcommit");
        assertThatThrownBy(() -> new Overcommit(1, 1001)).hasMessageContaining("at most 1000");
    }

    @Test
    void anAgentAnnouncesTheMachineUnlessToldOtherwise()
    {
        assertThat(AgentCommand.offeredCpuUnits(null, Overcommit.NONE)).isNull();
        assertThat(AgentCommand.offeredMemoryMiB(null, Overcommit.NONE)).isNull();
        assertThat(AgentCommand.offeredCpuUnits(4096, new Overcommit(4, 1))).isEqualTo(16384);
        assertThat(AgentCommand.offeredMemoryMiB(2048L, new Overcommit(1, 2))).isEqualTo(4096L);
        assertThat(AgentCommand.offeredCpuUnits(null, new Overcommit(2, 1))).isEqualTo(HostCapacity.cpuUnits() * 2);
    }
}
