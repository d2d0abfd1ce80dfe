package io.berth.controlplane.agents.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SharedEndpointsJsonTest
{
    private final SharedEndpointsJson shared = new SharedEndpointsJson(Json.mapper());
    private final ObjectMapper writer = shared.install(Json.mapper());

    @Test
    void anAnswerIsWrittenByteForByteAsThePlainMapperWritesIt()
            throws Exception
    {
        List<TaskEndpoint> endpoints = List.of(new TaskEndpoint("10.1.0.2", "111122223333"), new TaskEndpoint("10.1.1.3", "444455556666"));
        for (NetworkPlan plan : List.of(plan(endpoints, "h2"), plan(endpoints, "h1"), plan(List.of(), "h1"))) {
            SyncResponse answer = new SyncResponse(List.of(), plan, null);
            assertThat(writer.writeValueAsString(answer)).isEqualTo(Json.mapper().writeValueAsString(answer));
            assertThat(Json.mapper().readValue(writer.writeValueAsBytes(answer), SyncResponse.class).network()).isEqualTo(plan);
        }
        // a plan without a network writes as before too
        SyncResponse none = new SyncResponse(List.of(), null, null);
        assertThat(writer.writeValueAsString(none)).isEqualTo(Json.mapper().writeValueAsString(none));
    }

    @Test
    void eachListIsVersionedAsTheAgentVersionsItFromTheOneBeforeAndTheChangesFromAHeldListAreWorkedOutOnce()
            throws Exception
    {
        List<TaskEndpoint> endpoints = new ArrayList<>();
        List<List<TaskEndpoint>> lists = new ArrayList<>();
        Random random = new Random(3);
        for (int step = 0; step < 50; step++) {
            // an endpoint comes or goes, now and then a repeat of one held (an address taken again before its task stopped)
            if (!endpoints.isEmpty() && random.nextInt(3) == 0) {
                endpoints.remove(random.nextInt(endpoints.size()));
            }
            else {
                endpoints.add(random.nextInt(5) == 0 && !endpoints.isEmpty() ? endpoints.get(random.nextInt(endpoints.size()))
                        : new TaskEndpoint("10.1." + random.nextInt(4) + "." + random.nextInt(250), "11112222333" + random.nextInt(3)));
            }
            List<TaskEndpoint> list = endpoints.stream().sorted(EndpointChanges.ORDER).toList();
            lists.add(list);
            assertThat(shared.version(list)).isEqualTo(EndpointChanges.versionOf(list));
            assertThat(writer.writeValueAsString(plan(list, "h1"))).isEqualTo(Json.mapper().writeValueAsString(plan(list, "h1")));
        }
        // an agent holding a list of a few steps back gets the changes that make the latest from it, the same for each
        List<TaskEndpoint> held = lists.get(45);
        List<TaskEndpoint> now = lists.getLast();
        EndpointChanges changes = shared.changesFrom(EndpointChanges.versionOf(held), now).orElseThrow();
        assertThat(changes.applyTo(held, EndpointChanges.versionOf(held))).contains(now);
        assertThat(shared.changesFrom(EndpointChanges.versionOf(held), now)).containsSame(changes);
        // a list none of the last: the whole plan
        assertThat(shared.changesFrom(EndpointChanges.versionOf(List.of(new TaskEndpoint("10.9.9.9", "999999999999"))), now)).isEmpty();
        // from every list of the way, however far back, the changes make the latest
        for (List<TaskEndpoint> list : lists) {
            String version = EndpointChanges.versionOf(list);
            assertThat(shared.changesFrom(version, now).orElseThrow().applyTo(list, version)).as("from %s", list).contains(now);
        }
    }

    @Test
    void aListHeldFromFurtherBackThanTheStepsKeptGetsTheWholePlanAndAListThatCameAgainStillGetsItsChanges()
    {
        List<TaskEndpoint> first = List.of(new TaskEndpoint("10.1.0.1", "111122223333"));
        shared.version(first);
        List<TaskEndpoint> list = first;
        for (int step = 0; step < SharedEndpointsJson.KEPT_STEPS; step++) {
            List<TaskEndpoint> next = new ArrayList<>(list);
            next.add(new TaskEndpoint("10.2." + (step / 250) + "." + (step % 250), "111122223333"));
            list = next.stream().sorted(EndpointChanges.ORDER).toList();
            shared.version(list);
        }
        List<TaskEndpoint> now = list;
        // the first list was the oldest step: it went
        assertThat(shared.changesFrom(EndpointChanges.versionOf(first), now).isEmpty()).isTrue();
        List<TaskEndpoint> oldestKept = now.subList(0, now.size() - SharedEndpointsJson.KEPT_STEPS + 1);
        assertThat(shared.changesFrom(EndpointChanges.versionOf(oldestKept), now).orElseThrow().added()).hasSize(SharedEndpointsJson.KEPT_STEPS - 1);
        // the list goes back to an earlier one (its tasks stopped) and on again: the circle leads nowhere wrong
        List<TaskEndpoint> back = now.subList(0, now.size() - 1);
        shared.version(back);
        shared.version(now);
        String backVersion = EndpointChanges.versionOf(back);
        assertThat(shared.changesFrom(backVersion, now).orElseThrow().applyTo(back, backVersion)).contains(now);
        assertThat(shared.changesFrom(EndpointChanges.versionOf(now), back).orElseThrow().applyTo(now, EndpointChanges.versionOf(now))).contains(back);
    }

    private static NetworkPlan plan(List<TaskEndpoint> endpoints, String peer)
    {
        return new NetworkPlan("10.1.0.0/16", "10.1.0.0/24", new HostLinkSettings(HostLinkSettings.VXLAN, 42, HostLinkSettings.DEFAULT_VXLAN_PORT),
                List.of(new NetworkPeer(peer, "192.0.2.1", "10.1.1.0/24")), endpoints, null, List.of("192.0.2.1:8686"));
    }
}
