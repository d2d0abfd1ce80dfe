package io.berth.common.agentprotocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rule of mixed versions, at this build's version and at a later one (N = 3), as an upgrade across one change meets it. */
class AgentProtocolVersionTest
{
    @Test
    void anAgentWithoutTheHeaderIsOfABuildFromBeforeVersions()
    {
        assertThat(AgentProtocolVersion.parse(null)).isEqualTo(1);
        assertThat(AgentProtocolVersion.parse(" 2 ")).isEqualTo(2);
        assertThatThrownBy(() -> AgentProtocolVersion.parse("two")).hasMessageContaining("a version from 1 up");
        assertThatThrownBy(() -> AgentProtocolVersion.parse("0")).hasMessageContaining("a version from 1 up");
    }

    @Test
    void aControlPlaneServesAgentsOfItsVersionAndThePreviousOneSpeakingTheAgentsAndRefusesTheRestSayingWhatToUpgrade()
    {
        int controlPlane = 3;
        assertThat(AgentProtocolVersion.controlPlaneRefusal(3, controlPlane)).isEmpty();
        assertThat(AgentProtocolVersion.controlPlaneRefusal(2, controlPlane)).isEmpty();
        assertThat(AgentProtocolVersion.spokenTo(2, controlPlane)).isEqualTo(2);
        assertThat(AgentProtocolVersion.spokenTo(3, controlPlane)).isEqualTo(3);
        assertThat(AgentProtocolVersion.controlPlaneRefusal(1, controlPlane)).hasValueSatisfying(refusal -> assertThat(refusal).contains("upgrade the agent"));
        assertThat(AgentProtocolVersion.controlPlaneRefusal(4, controlPlane)).hasValueSatisfying(refusal -> assertThat(refusal).contains("upgrade the control planes first"));
    }

    @Test
    void anAgentTakesCallsInItsVersionAndFromAControlPlaneOneBehind()
    {
        int agent = 3;
        assertThat(AgentProtocolVersion.agentRefusal(3, agent)).isEmpty();
        assertThat(AgentProtocolVersion.agentRefusal(2, agent)).as("a control plane not yet upgraded").isEmpty();
        assertThat(AgentProtocolVersion.agentRefusal(1, agent)).hasValueSatisfying(refusal -> assertThat(refusal).contains("upgrade the control plane"));
        assertThat(AgentProtocolVersion.agentRefusal(4, agent)).isPresent();
    }

    @Test
    void anUpgradeAcrossOneChangeKeepsEveryPairTalkingAtEachStep()
    {
        // control planes first, then agents: at every step each side serves the other
        int[][] steps = {{2, 2}, {3, 2}, {3, 3}};
        for (int[] step : steps) {
            int controlPlane = step[0];
            int agent = step[1];
            assertThat(AgentProtocolVersion.controlPlaneRefusal(agent, controlPlane)).as("control plane %d, agent %d", controlPlane, agent).isEmpty();
            assertThat(AgentProtocolVersion.agentRefusal(AgentProtocolVersion.spokenTo(agent, controlPlane), agent)).as("calls of control plane %d to agent %d", controlPlane, agent).isEmpty();
        }
    }
}
