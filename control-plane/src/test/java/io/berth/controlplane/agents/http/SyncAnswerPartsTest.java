package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.HeldState;
import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyncAnswerPartsTest
{
    private final SyncAnswerParts parts = new SyncAnswerParts(Json.mapper());

    @Test
    void anAgentThatHoldsNothingGetsEveryPartWithItsVersion()
    {
        SyncResponse answer = parts.answer(whole(plan(List.of())), null);
        assertThat(answer.unchanged()).isEmpty();
        assertThat(answer.tasks()).isEmpty();
        assertThat(answer.network()).isEqualTo(plan(List.of()));
        assertThat(answer.versions().assignments()).isNotBlank();
        assertThat(answer.versions().network()).isNotBlank().isNotEqualTo(answer.versions().assignments());
    }

    @Test
    void aPartTheAgentHoldsAtItsVersionIsLeftOut()
    {
        SyncResponse.PartVersions versions = parts.answer(whole(plan(List.of())), null).versions();
        SyncResponse answer = parts.answer(whole(plan(List.of())), new HeldState(List.of(), versions.assignments(), versions.network(), versions.ingress()));
        assertThat(answer.unchanged()).containsExactly(SyncResponse.TASKS, SyncResponse.NETWORK, SyncResponse.INGRESS);
        assertThat(answer.tasks()).isNull();
        assertThat(answer.network()).isNull();
        assertThat(answer.versions()).isEqualTo(versions);
    }

    @Test
    void aChangedPartGoesWholeAndTheOthersStayOut()
    {
        SyncResponse.PartVersions versions = parts.answer(whole(plan(List.of())), null).versions();
        NetworkPlan changed = plan(List.of(new TaskEndpoint("10.213.1.5", "111122223333")));
        SyncResponse answer = parts.answer(whole(changed), new HeldState(List.of(), versions.assignments(), versions.network(), versions.ingress()));
        assertThat(answer.unchanged()).containsExactly(SyncResponse.TASKS, SyncResponse.INGRESS);
        assertThat(answer.network()).isEqualTo(changed);
        assertThat(answer.versions().network()).isNotEqualTo(versions.network());
    }

    @Test
    void aVersionThisReplicaNeverGaveMatchesNothing()
    {
        SyncResponse answer = parts.answer(whole(plan(List.of())), new HeldState(List.of(), "unknown", "unknown", "unknown"));
        assertThat(answer.unchanged()).isEmpty();
        assertThat(answer.network()).isEqualTo(plan(List.of()));
    }

    @Test
    void anotherReplicaGivesTheSameContentTheSameVersion()
    {
        // what an agent that moves to another replica (or whose replica restarted) holds is still good there
        SyncResponse.PartVersions here = parts.answer(whole(plan(List.of())), null).versions();
        SyncResponse.PartVersions there = new SyncAnswerParts(Json.mapper()).answer(whole(plan(List.of())), null).versions();
        assertThat(there).isEqualTo(here);
    }

    private static SyncResponse whole(NetworkPlan network)
    {
        return new SyncResponse(List.<TaskAssignment>of(), network, null);
    }

    private static NetworkPlan plan(List<TaskEndpoint> endpoints)
    {
        return new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings(HostLinkSettings.VXLAN, 42, HostLinkSettings.DEFAULT_VXLAN_PORT), List.of(), endpoints, null, null);
    }
}
