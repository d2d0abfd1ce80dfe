package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.AgentSyncDelta;
import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.HeldState;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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
    void aHostsAssignmentsEqualToThoseItWasLastGivenKeepTheirVersionAndChangedOnesGetANewOne()
    {
        SyncResponse.PartVersions first = parts.answer("host-1", whole(plan(List.of())), null).versions();
        // equal, not the same objects: a sync builds its answer anew
        SyncResponse again = parts.answer("host-1", whole(plan(List.of())), new HeldState(List.of(), first.assignments(), first.network(), first.ingress()));
        assertThat(again.versions()).isEqualTo(first);
        assertThat(again.unchanged()).containsExactly(SyncResponse.TASKS, SyncResponse.NETWORK, SyncResponse.INGRESS);
        // the versions are those any replica gives the same content, kept or not
        assertThat(first).isEqualTo(parts.answer(whole(plan(List.of())), null).versions());

        SyncResponse assigned = parts.answer("host-1", new SyncResponse(List.of(assignment()), plan(List.of()), null),
                new HeldState(List.of(), first.assignments(), first.network(), first.ingress()));
        assertThat(assigned.tasks()).containsExactly(assignment());
        assertThat(assigned.versions().assignments()).isNotEqualTo(first.assignments())
                .isEqualTo(parts.answer(new SyncResponse(List.of(assignment()), plan(List.of()), null), null).versions().assignments());
        // another host's kept version is its own
        assertThat(parts.answer("host-2", whole(plan(List.of())), null).versions()).isEqualTo(first);
        assertThat(parts.answer("host-1", whole(plan(List.of())), null).versions()).isEqualTo(first);
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

    @Test
    void aNetworkVersionDependsOnContentNotOnWhichListInstanceCarriesIt()
    {
        // the plans of one network epoch share one endpoints list; each host's plan still differs in its peers
        List<TaskEndpoint> shared = List.copyOf(List.of(new TaskEndpoint("10.213.1.5", "111122223333"), new TaskEndpoint("10.213.2.6", "444455556666")));
        NetworkPlan first = plan(shared, List.of(new NetworkPeer("h2", "192.0.2.2", "10.213.2.0/24")));
        NetworkPlan second = plan(shared, List.of(new NetworkPeer("h1", "192.0.2.1", "10.213.1.0/24")));
        assertThat(parts.networkVersion(first)).isNotEqualTo(parts.networkVersion(second));

        // the same content in new lists (another epoch, another replica) has the same version
        NetworkPlan copy = plan(new java.util.ArrayList<>(shared), List.of(new NetworkPeer("h2", "192.0.2.2", "10.213.2.0/24")));
        assertThat(parts.networkVersion(copy)).isEqualTo(parts.networkVersion(first));
        assertThat(new SyncAnswerParts(Json.mapper()).networkVersion(first)).isEqualTo(parts.networkVersion(first));

        // and a changed endpoint changes it, whichever list was versioned last
        NetworkPlan moved = plan(List.of(new TaskEndpoint("10.213.1.5", "111122223333")), List.of(new NetworkPeer("h2", "192.0.2.2", "10.213.2.0/24")));
        assertThat(parts.networkVersion(moved)).isNotEqualTo(parts.networkVersion(first));
        assertThat(parts.networkVersion(null)).isEqualTo(parts.version(null));

        // a host's version kept from its last plan is the one made afresh, and moves when its peers do
        assertThat(parts.networkVersion("h1", first)).isEqualTo(parts.networkVersion(first));
        assertThat(parts.networkVersion("h1", copy)).isEqualTo(parts.networkVersion(first));
        assertThat(parts.networkVersion("h1", second)).isEqualTo(parts.networkVersion(second)).isNotEqualTo(parts.networkVersion(first));
        assertThat(parts.networkVersion("h1", moved)).isEqualTo(parts.networkVersion(moved));
    }

    @Test
    void whatAHostHoldsOnceItTookItsLastAnswerIsNamedAsItsAgentNamesIt()
    {
        assertThat(parts.networkGiven("host-1")).isEmpty();
        NetworkPlan plan = plan(List.of(new TaskEndpoint("10.213.1.5", "111122223333")));
        SyncResponse answer = parts.answer("host-1", whole(plan), null);

        AgentSyncDelta agent = new AgentSyncDelta();
        SyncRequest request = new SyncRequest(new HostInfo("host-1", "127.0.0.1", 1024, 2048, Map.of()), List.of());
        agent.incoming(request, agent.outgoing(request), answer);
        assertThat(parts.networkGiven("host-1")).contains(agent.heldNetworkQuery());
        // a plan answered alone moves it too; no plan leaves nothing named
        NetworkPlan moved = plan(List.of());
        parts.networkGiven("host-1", parts.networkVersion("host-1", moved), moved);
        agent.networkFetched(moved, parts.networkVersion("host-1", moved));
        assertThat(parts.networkGiven("host-1")).contains(agent.heldNetworkQuery());
        parts.networkGiven("host-1", parts.networkVersion(null), null);
        assertThat(parts.networkGiven("host-1")).isEmpty();
        assertThat(parts.networkGiven("host-2")).isEmpty();
    }

    @Test
    void anAgentHoldsThePlansRestWhenItsVersionWithTheEndpointsHeldIsTheOneHeld()
    {
        List<TaskEndpoint> heldEndpoints = List.of(new TaskEndpoint("10.213.1.5", "111122223333"));
        NetworkPlan held = plan(heldEndpoints, List.of(new NetworkPeer("h2", "192.0.2.2", "10.213.2.0/24")));
        String heldVersion = parts.networkVersion("h1", held);
        String heldEndpointsVersion = EndpointChanges.versionOf(heldEndpoints);

        // a task started elsewhere: new endpoints, the same peers
        NetworkPlan now = plan(List.of(), held.peers());
        assertThat(parts.holdsRestOf("h1", now, heldVersion, heldEndpointsVersion)).isTrue();
        // a peer joined: the rest moved
        NetworkPlan joined = plan(List.of(), List.of(new NetworkPeer("h2", "192.0.2.2", "10.213.2.0/24"), new NetworkPeer("h3", "192.0.2.3", "10.213.3.0/24")));
        assertThat(parts.holdsRestOf("h1", joined, heldVersion, heldEndpointsVersion)).isFalse();
        // nothing named, or another endpoints version named
        assertThat(parts.holdsRestOf("h1", now, "", heldEndpointsVersion)).isFalse();
        assertThat(parts.holdsRestOf("h1", now, heldVersion, "other")).isFalse();
        assertThat(parts.holdsRestOf("h1", null, heldVersion, heldEndpointsVersion)).isFalse();
    }

    @Test
    void aNetworkThatChangedOnlyInItsEndpointsGoesAsTheirChangesAloneToAnAgentThatHoldsItsRestAndTakesItSo()
    {
        List<NetworkPeer> peers = List.of(new NetworkPeer("h2", "192.0.2.2", "10.213.2.0/24"));
        SyncResponse.PartVersions first = parts.answer("h1", whole(plan(List.of(), peers)), null).versions();
        HeldState holds = new HeldState(List.of(), first.assignments(), first.network(), first.ingress(), EndpointChanges.versionOf(List.of()), true, true);
        TaskEndpoint started = new TaskEndpoint("10.213.2.5", "111122223333");

        SyncResponse alone = parts.answer("h1", whole(plan(List.of(started), peers)), holds);
        assertThat(alone.network()).isNull();
        assertThat(alone.networkRestHeld()).isTrue();
        assertThat(alone.endpointChanges().added()).containsExactly(started);
        assertThat(alone.versions().network()).isEqualTo(parts.networkVersion(plan(List.of(started), peers)));

        // an agent of a build from before gets the rest with the changes
        SyncResponse withRest = parts.answer("h1", whole(plan(List.of(started), peers)),
                new HeldState(List.of(), first.assignments(), first.network(), first.ingress(), EndpointChanges.versionOf(List.of())));
        assertThat(withRest.networkRestHeld()).isFalse();
        assertThat(withRest.network()).isEqualTo(plan(List.of(), peers));
        assertThat(withRest.endpointChanges().added()).containsExactly(started);

        // a peer that joined moves the rest: it comes
        List<NetworkPeer> joined = List.of(peers.getFirst(), new NetworkPeer("h3", "192.0.2.3", "10.213.3.0/24"));
        SyncResponse moved = parts.answer("h1", whole(plan(List.of(started), joined)), holds);
        assertThat(moved.networkRestHeld()).isFalse();
        assertThat(moved.network().peers()).isEqualTo(joined);
    }

    @Test
    void theAssignmentsVersionDependsOnTheirContentNotTheirOrder()
    {
        TaskAssignment one = assignment("t1", 256);
        TaskAssignment two = assignment("t2", 256);
        String inOrder = parts.answer("host-1", new SyncResponse(List.of(one, two), plan(List.of()), null), null).versions().assignments();
        assertThat(parts.answer("host-2", new SyncResponse(List.of(two, one), plan(List.of()), null), null).versions().assignments()).isEqualTo(inOrder);
        assertThat(parts.answer(new SyncResponse(List.of(two, one), plan(List.of()), null), null).versions().assignments()).isEqualTo(inOrder);
        // a field of one assignment, or one more task, is another version
        assertThat(parts.answer("host-1", new SyncResponse(List.of(one, assignment("t2", 512)), plan(List.of()), null), null).versions().assignments())
                .isNotEqualTo(inOrder);
        assertThat(parts.answer("host-1", new SyncResponse(List.of(one, two, assignment("t3", 256)), plan(List.of()), null), null).versions().assignments())
                .isNotEqualTo(inOrder);
        assertThat(parts.answer("host-1", new SyncResponse(List.of(one), plan(List.of()), null), null).versions().assignments()).isNotEqualTo(inOrder);
    }

    @Test
    void changedAssignmentsGoAloneOnlyToAnAgentThatHoldsTheListLastAnsweredAndTakesThemSo()
    {
        TaskAssignment one = assignment("t1", 256);
        TaskAssignment two = assignment("t2", 256);
        SyncResponse.PartVersions first = parts.answer("host-1", new SyncResponse(List.of(one, two), plan(List.of()), null), null).versions();
        HeldState holdsFirst = new HeldState(List.of(), first.assignments(), first.network(), first.ingress(), null, true, true);

        List<TaskAssignment> now = List.of(assignment("t2", 512), assignment("t3", 256));
        SyncResponse changed = parts.answer("host-1", new SyncResponse(now, plan(List.of()), null), holdsFirst);
        assertThat(changed.tasks()).isNull();
        assertThat(changed.assignmentChanges().base()).isEqualTo(first.assignments());
        assertThat(changed.assignmentChanges().version()).isEqualTo(changed.versions().assignments());
        assertThat(changed.assignmentChanges().changed()).containsExactly(assignment("t2", 512), assignment("t3", 256));
        assertThat(changed.assignmentChanges().removed()).containsExactly("t1");
        assertThat(changed.unchanged()).containsExactly(SyncResponse.NETWORK, SyncResponse.INGRESS);
        assertThat(changed.assignmentChanges().applyTo(List.of(one, two), first.assignments())).contains(now);

        // the list last answered is now the one made of the changes: the first one no longer gets changes
        SyncResponse fromOlder = parts.answer("host-1", new SyncResponse(List.of(assignment("t3", 256)), plan(List.of()), null), holdsFirst);
        assertThat(fromOlder.assignmentChanges()).isNull();
        assertThat(fromOlder.tasks()).containsExactly(assignment("t3", 256));

        // an agent that does not take changes, or that another host's list was answered to, gets the whole list
        SyncResponse.PartVersions last = fromOlder.versions();
        SyncResponse old = parts.answer("host-1", new SyncResponse(now, plan(List.of()), null),
                new HeldState(List.of(), last.assignments(), last.network(), last.ingress(), null, false, true));
        assertThat(old.assignmentChanges()).isNull();
        assertThat(old.tasks()).isEqualTo(now);
        assertThat(parts.answer("host-2", new SyncResponse(now, plan(List.of()), null), holdsFirst).assignmentChanges()).isNull();
    }

    private static SyncResponse whole(NetworkPlan network)
    {
        return new SyncResponse(List.<TaskAssignment>of(), network, null);
    }

    private static NetworkPlan plan(List<TaskEndpoint> endpoints)
    {
        return plan(endpoints, List.of());
    }

    private static NetworkPlan plan(List<TaskEndpoint> endpoints, List<NetworkPeer> peers)
    {
        return new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings(HostLinkSettings.VXLAN, 42, HostLinkSettings.DEFAULT_VXLAN_PORT), peers, endpoints, null, null);
    }

    private static TaskAssignment assignment(String taskId, int cpu)
    {
        return new TaskAssignment(taskId, "arn:aws:ecs:us-east-1:111122223333:task/default/" + taskId, TaskAssignment.DesiredStatus.RUNNING, cpu, 512, List.of());
    }

    private static TaskAssignment assignment()
    {
        return new TaskAssignment("t1", "arn:aws:ecs:us-east-1:111122223333:task/default/t1", TaskAssignment.DesiredStatus.RUNNING, 256, 512, List.of());
    }
}
