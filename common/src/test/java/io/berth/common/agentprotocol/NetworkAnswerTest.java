package io.berth.common.agentprotocol;

import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkAnswerTest
{
    private static final TaskEndpoint FIRST = new TaskEndpoint("10.213.0.5", "111111111111");
    private static final TaskEndpoint SECOND = new TaskEndpoint("10.213.1.7", "111111111111");
    private static final NetworkPlan HELD = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789),
            List.of(new NetworkPeer("host-2", "192.0.2.2", "10.213.1.0/24")), List.of(FIRST), null, null);

    @Test
    void anAnswerThatLeavesTheRestOutAsHeldIsMadeFromThePlanHeld()
            throws Exception
    {
        List<TaskEndpoint> now = List.of(FIRST, SECOND);
        EndpointChanges changes = EndpointChanges.between(EndpointChanges.versionOf(HELD.endpoints()), HELD.endpoints(), EndpointChanges.versionOf(now), now);
        NetworkAnswer answer = Json.mapper().readValue(Json.mapper().writeValueAsString(NetworkAnswer.endpointsOnly("n2", changes)), NetworkAnswer.class);

        assertThat(answer.restHeld()).isTrue();
        assertThat(answer.planFrom(HELD, EndpointChanges.versionOf(HELD.endpoints()))).contains(HELD.withEndpoints(now));
        // nothing held, or another list held: nothing to make it from
        assertThat(answer.planFrom((NetworkPlan) null, EndpointChanges.versionOf(List.of()))).isEmpty();
        assertThat(answer.planFrom(HELD.withEndpoints(List.of(SECOND)), EndpointChanges.versionOf(List.of(SECOND)))).isEmpty();
    }

    @Test
    void anAnswerThatBringsTheRestIsMadeAsBefore()
    {
        List<TaskEndpoint> now = List.of(SECOND);
        EndpointChanges changes = EndpointChanges.between(EndpointChanges.versionOf(HELD.endpoints()), HELD.endpoints(), EndpointChanges.versionOf(now), now);
        NetworkPlan moved = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789), List.of(), List.of(), null, null);
        assertThat(new NetworkAnswer(moved, "n2", false, changes).planFrom(HELD, EndpointChanges.versionOf(HELD.endpoints()))).contains(moved.withEndpoints(now));
        // JSON of a build from before (no restHeld) reads as an answer that brings the rest
        assertThat(Json.mapper().convertValue(java.util.Map.of("version", "n3", "unchanged", true), NetworkAnswer.class).restHeld()).isFalse();
    }

    @Test
    void anAnswerCannotBothLeaveTheRestOutAndBringIt()
    {
        EndpointChanges changes = EndpointChanges.between(EndpointChanges.versionOf(List.of()), List.of(), EndpointChanges.versionOf(List.of(FIRST)), List.of(FIRST));
        assertThatThrownBy(() -> new NetworkAnswer(HELD, "n2", false, changes, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkAnswer(null, "n2", false, null, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
