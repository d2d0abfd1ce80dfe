package io.berth.common.agentprotocol;

import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentSyncDeltaTest
{
    private static final HostInfo HOST = new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of());
    private static final SyncResponse.PartVersions V1 = new SyncResponse.PartVersions("a1", "n1", "i1");
    private static final SyncResponse.PartVersions V2 = new SyncResponse.PartVersions("a1", "n2", "i1");
    private static final NetworkPlan PLAN = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789), List.of(), List.of(), null, null);

    private final AgentSyncDelta delta = new AgentSyncDelta();

    @Test
    void theFirstSyncIsWhole()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        assertThat(delta.outgoing(full)).isEqualTo(full);
    }

    @Test
    void onlyChangedReportsGoOnceTheControlPlaneAnswered()
    {
        exchange(request(report("t1", TaskReport.Status.RUNNING), report("t2", TaskReport.Status.PENDING)), whole(V1));

        SyncRequest sent = delta.outgoing(request(report("t1", TaskReport.Status.RUNNING), report("t2", TaskReport.Status.RUNNING), report("t3", TaskReport.Status.PENDING)));
        assertThat(sent.tasks()).extracting(TaskReport::taskId).containsExactly("t2", "t3");
        assertThat(sent.held()).isEqualTo(new HeldState(List.of("t1", "t2", "t3"), "a1", "n1", "i1", EndpointChanges.versionOf(List.of()), true, true));
        assertThat(sent.heldTaskIds()).containsExactly("t1", "t2", "t3");
    }

    @Test
    void partsLeftOutAreFilledInFromTheAnswerHeld()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        SyncResponse first = exchange(full, whole(V1));

        SyncRequest sent = delta.outgoing(full);
        SyncResponse answer = new SyncResponse(null, null, null, List.of("http://cp:1"), V1, List.of(SyncResponse.TASKS, SyncResponse.NETWORK, SyncResponse.INGRESS), false);
        SyncResponse filled = delta.incoming(full, sent, answer);
        assertThat(filled.tasks()).isEqualTo(first.tasks());
        assertThat(filled.network()).isEqualTo(PLAN);
        assertThat(filled.unchanged()).isEmpty();
        assertThat(filled.controlPlanes()).containsExactly("http://cp:1");

        // a changed part replaces the one held; the next request names its new version
        NetworkPlan moved = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789),
                List.of(new NetworkPeer("host-2", "192.0.2.2", "10.213.1.0/24")), List.of(), null, null);
        SyncResponse changed = delta.incoming(full, delta.outgoing(full), new SyncResponse(null, moved, null, List.of(), V2, List.of(SyncResponse.TASKS, SyncResponse.INGRESS), false));
        assertThat(changed.network()).isEqualTo(moved);
        assertThat(changed.tasks()).isEqualTo(first.tasks());
        assertThat(delta.outgoing(full).held().network()).isEqualTo("n2");
    }

    @Test
    void aNetworkPlanFetchedAloneIsHeldAsTheLastAnswersNetworkPart()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        // nothing held yet: nothing to name, and a fetched plan is not kept (the next sync goes whole anyway)
        assertThat(delta.heldNetworkVersion()).isNull();
        delta.networkFetched(PLAN, "n0");
        assertThat(delta.heldNetworkVersion()).isNull();

        SyncResponse first = exchange(full, whole(V1));
        assertThat(delta.heldNetworkVersion()).isEqualTo("n1");
        assertThat(delta.heldNetwork()).isEqualTo(PLAN);

        NetworkPlan moved = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789),
                List.of(new NetworkPeer("host-2", "192.0.2.2", "10.213.1.0/24")), List.of(), null, null);
        delta.networkFetched(moved, "n2");
        assertThat(delta.heldNetworkVersion()).isEqualTo("n2");
        // the next sync names it, and an answer that leaves it out as held gets it filled in
        SyncRequest sent = delta.outgoing(full);
        assertThat(sent.held().network()).isEqualTo("n2");
        assertThat(sent.held().assignments()).isEqualTo("a1");
        SyncResponse filled = delta.incoming(full, sent, new SyncResponse(null, null, null, List.of(), V2,
                List.of(SyncResponse.TASKS, SyncResponse.NETWORK, SyncResponse.INGRESS), false));
        assertThat(filled.network()).isEqualTo(moved);
        assertThat(filled.tasks()).isEqualTo(first.tasks());
    }

    @Test
    void aPlanAWakeUpBroughtIsTakenOnlyWhileWhatItsPollNamedIsStillHeld()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, whole(V1));
        String named = delta.heldNetworkQuery();
        assertThat(named).startsWith("held=n1&endpoints=");
        NetworkPlan moved = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789),
                List.of(new NetworkPeer("host-2", "192.0.2.2", "10.213.1.0/24")), List.of(), null, null);
        NetworkPlan movedAgain = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789),
                List.of(new NetworkPeer("host-3", "192.0.2.3", "10.213.2.0/24")), List.of(), null, null);

        // a sync moved what is held on past what the poll named: the plan brought may be older, so it is not taken
        exchange(full, new SyncResponse(List.of(), movedAgain, null, List.of(), new SyncResponse.PartVersions("a1", "n3", "i1"), List.of(), false));
        assertThat(delta.networkBrought(named, new NetworkAnswer(moved, "n2", false))).isEmpty();
        assertThat(delta.heldNetwork()).isEqualTo(movedAgain);

        // made for what is held: taken as a fetch's answer, and named by the next request
        String now = delta.heldNetworkQuery();
        assertThat(delta.networkBrought(now, new NetworkAnswer(moved, "n4", false))).contains(moved);
        assertThat(delta.outgoing(full).held().network()).isEqualTo("n4");
    }

    @Test
    void aLostAnswerMakesTheNextSyncWhole()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, whole(V1));
        SyncRequest changed = request(report("t1", TaskReport.Status.STOPPED));
        delta.outgoing(changed);
        // the control plane may or may not have recorded the STOPPED report, and the agent does not know what it holds
        delta.lost();
        assertThat(delta.outgoing(changed)).isEqualTo(changed);
    }

    @Test
    void anAnswerAskingForEveryReportGetsThemAndKeepsTheVersionsHeld()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, whole(V1));
        delta.incoming(full, delta.outgoing(full), whole(V1).withFullReportsWanted(true));

        SyncRequest sent = delta.outgoing(full);
        assertThat(sent.tasks()).isEqualTo(full.tasks());
        assertThat(sent.reportsEveryTask()).isTrue();
        assertThat(sent.held()).isEqualTo(new HeldState(null, "a1", "n1", "i1", EndpointChanges.versionOf(List.of()), true, true));
    }

    @Test
    void aPartLeftOutThatIsNotHeldAtThatVersionBreaksTheExchangeAndTheNextSyncIsWhole()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, whole(V1));
        SyncRequest sent = delta.outgoing(full);
        SyncResponse unknown = new SyncResponse(null, null, null, List.of(), new SyncResponse.PartVersions("a9", "n1", "i1"), List.of(SyncResponse.TASKS), false);
        assertThatThrownBy(() -> delta.incoming(full, sent, unknown))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tasks part");
        assertThat(delta.outgoing(full)).isEqualTo(full);
    }

    @Test
    void assignmentsThatCameAsChangesAreAppliedToTheListHeldAndHeldAtTheirVersion()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, new SyncResponse(List.of(assignment("t1"), assignment("t2")), PLAN, null, List.of(), V1, List.of(), false));

        SyncRequest sent = delta.outgoing(full);
        SyncResponse.PartVersions moved = new SyncResponse.PartVersions("a2", "n1", "i1");
        TaskAssignment stopping = new TaskAssignment("t1", "arn:t1", TaskAssignment.DesiredStatus.STOPPED, 256, 512, List.of());
        SyncResponse changes = new SyncResponse(null, null, null, List.of(), moved, List.of(SyncResponse.NETWORK, SyncResponse.INGRESS), false)
                .withAssignmentChanges(new AssignmentChanges("a1", "a2", List.of(assignment("t3"), stopping), List.of("t2")));
        SyncResponse whole = delta.incoming(full, sent, changes);
        assertThat(whole.tasks()).containsExactly(stopping, assignment("t3"));
        assertThat(whole.network()).isEqualTo(PLAN);
        assertThat(delta.outgoing(full).held().assignments()).isEqualTo("a2");

        // and an answer that then leaves them out as held gets the list made from the changes
        SyncResponse unchanged = new SyncResponse(null, null, null, List.of(), moved, List.of(SyncResponse.TASKS, SyncResponse.NETWORK, SyncResponse.INGRESS), false);
        assertThat(delta.incoming(full, delta.outgoing(full), unchanged).tasks()).containsExactly(stopping, assignment("t3"));
    }

    @Test
    void assignmentChangesFromAListNotHeldBreakTheExchangeAndTheNextSyncIsWhole()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, new SyncResponse(List.of(assignment("t1")), PLAN, null, List.of(), V1, List.of(), false));
        SyncResponse.PartVersions moved = new SyncResponse.PartVersions("a3", "n1", "i1");

        // from a version the agent does not hold
        SyncRequest sent = delta.outgoing(full);
        SyncResponse otherBase = new SyncResponse(null, PLAN, null, List.of(), moved, List.of(), false)
                .withAssignmentChanges(new AssignmentChanges("a0", "a3", List.of(assignment("t2")), List.of()));
        assertThatThrownBy(() -> delta.incoming(full, sent, otherBase))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("changes from version a0");
        assertThat(delta.outgoing(full)).isEqualTo(full);

        // removing a task the list does not hold
        exchange(full, new SyncResponse(List.of(assignment("t1")), PLAN, null, List.of(), V1, List.of(), false));
        SyncRequest again = delta.outgoing(full);
        SyncResponse notHeld = new SyncResponse(null, PLAN, null, List.of(), moved, List.of(), false)
                .withAssignmentChanges(new AssignmentChanges("a1", "a3", List.of(), List.of("t9")));
        assertThatThrownBy(() -> delta.incoming(full, again, notHeld)).isInstanceOf(IllegalStateException.class);
        assertThat(delta.outgoing(full)).isEqualTo(full);
    }

    @Test
    void anAnswerWithoutVersionsLeavesNothingHeld()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, new SyncResponse(List.of(), PLAN, null));
        SyncRequest sent = delta.outgoing(full);
        assertThat(sent.tasks()).isEmpty();
        assertThat(sent.held()).isEqualTo(new HeldState(List.of("t1"), null, null, null));
    }

    @Test
    void everyReportGoesAgainEverySoManySyncs()
    {
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, whole(V1));
        int deltas = 0;
        while (!delta.outgoing(full).reportsEveryTask()) {
            exchange(full, whole(V1));
            deltas++;
        }
        assertThat(deltas).isEqualTo(AgentSyncDelta.FULL_REPORTS_EVERY - 1);
    }

    @Test
    void jsonWithoutTheDeltaFieldsMeansWhole()
            throws Exception
    {
        SyncRequest request = Json.mapper().readValue("""
                {"host": {"hostId": "host-1", "cpu": 1024, "memoryMiB": 2048}, "tasks": [{"taskId": "t1", "status": "RUNNING"}]}
                """, SyncRequest.class);
        assertThat(request.reportsEveryTask()).isTrue();
        assertThat(request.heldTaskIds()).containsExactly("t1");

        SyncResponse response = Json.mapper().readValue("{\"tasks\": []}", SyncResponse.class);
        assertThat(response.unchanged()).isEmpty();
        assertThat(response.versions()).isNull();
        assertThat(response.fullReportsWanted()).isFalse();
        assertThat(response.tasks()).isEmpty();

        // and a delta answer reads back as one
        SyncResponse delta = new SyncResponse(null, null, null, List.of(), V1, List.of(SyncResponse.TASKS), true);
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsBytes(delta), SyncResponse.class)).isEqualTo(delta);
    }

    @Test
    void anUnknownPartLeftOutIsRefused()
    {
        assertThatThrownBy(() -> new SyncResponse(null, null, null, List.of(), V1, List.of("volumes"), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("volumes");
    }

    @Test
    void aNetworkThatCameAsItsEndpointChangesIsMadeFromTheListHeld()
    {
        TaskEndpoint first = new TaskEndpoint("10.213.0.5", "111111111111");
        TaskEndpoint second = new TaskEndpoint("10.213.1.7", "222222222222");
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, new SyncResponse(List.of(), PLAN.withEndpoints(List.of(first)), null, List.of(), V1, List.of(), false));

        SyncRequest sent = delta.outgoing(full);
        String held = EndpointChanges.versionOf(List.of(first));
        assertThat(sent.held().endpoints()).isEqualTo(held);
        List<TaskEndpoint> now = List.of(first, second);
        EndpointChanges changes = EndpointChanges.between(held, List.of(first), EndpointChanges.versionOf(now), now);
        SyncResponse answer = new SyncResponse(null, PLAN, null, List.of(), V2, List.of(SyncResponse.TASKS), false).withEndpointChanges(PLAN, changes);
        assertThat(delta.incoming(full, sent, answer).network()).isEqualTo(PLAN.withEndpoints(now));
        // the list made from the changes is named by the changes' version in the next request
        assertThat(delta.outgoing(full).held().endpoints()).isEqualTo(changes.version());
    }

    @Test
    void aNetworkThatCameAsItsEndpointChangesAloneKeepsTheRestHeld()
    {
        TaskEndpoint first = new TaskEndpoint("10.213.0.5", "111111111111");
        TaskEndpoint second = new TaskEndpoint("10.213.1.7", "222222222222");
        NetworkPlan withPeer = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789),
                List.of(new NetworkPeer("host-2", "192.0.2.2", "10.213.1.0/24")), List.of(first), null, null);
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, new SyncResponse(List.of(), withPeer, null, List.of(), V1, List.of(), false));

        SyncRequest sent = delta.outgoing(full);
        assertThat(sent.held().takesRestAsHeld()).isTrue();
        List<TaskEndpoint> now = List.of(first, second);
        EndpointChanges changes = EndpointChanges.between(sent.held().endpoints(), List.of(first), EndpointChanges.versionOf(now), now);
        SyncResponse answer = new SyncResponse(null, null, null, List.of(), V2, List.of(SyncResponse.TASKS), false).withNetworkRestHeld(changes);
        assertThat(delta.incoming(full, sent, answer).network()).isEqualTo(withPeer.withEndpoints(now));
        assertThat(delta.outgoing(full).held().network()).isEqualTo("n2");
    }

    @Test
    void endpointChangesThatDoNotMakeTheirListDropEverythingHeld()
    {
        TaskEndpoint first = new TaskEndpoint("10.213.0.5", "111111111111");
        SyncRequest full = request(report("t1", TaskReport.Status.RUNNING));
        exchange(full, new SyncResponse(List.of(), PLAN.withEndpoints(List.of(first)), null, List.of(), V1, List.of(), false));

        SyncRequest sent = delta.outgoing(full);
        EndpointChanges wrong = new EndpointChanges(sent.held().endpoints(), "not-that-list", List.of(), List.of(new TaskEndpoint("10.213.2.2", "111111111111")));
        SyncResponse answer = new SyncResponse(null, PLAN, null, List.of(), V2, List.of(SyncResponse.TASKS), false).withEndpointChanges(PLAN, wrong);
        assertThatThrownBy(() -> delta.incoming(full, sent, answer)).isInstanceOf(IllegalStateException.class).hasMessageContaining("the next sync goes whole");
        assertThat(delta.outgoing(full)).as("nothing held: the next sync is whole").isEqualTo(full);
    }

    private SyncResponse exchange(SyncRequest full, SyncResponse answer)
    {
        return delta.incoming(full, delta.outgoing(full), answer);
    }

    private static SyncResponse whole(SyncResponse.PartVersions versions)
    {
        return new SyncResponse(List.of(), PLAN, null, List.of(), versions, List.of(), false);
    }

    private static SyncRequest request(TaskReport... reports)
    {
        return new SyncRequest(HOST, List.of(reports));
    }

    private static TaskAssignment assignment(String taskId)
    {
        return new TaskAssignment(taskId, "arn:" + taskId, TaskAssignment.DesiredStatus.RUNNING, 256, 512, List.of());
    }

    private static TaskReport report(String taskId, TaskReport.Status status)
    {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        return new TaskReport(taskId, status, at, at, status == TaskReport.Status.PENDING ? null : at, null, null, null, List.of());
    }
}
