package io.berth.agent.link;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.HostChange;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkAnswer;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.tls.TrustedCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's side of a change of its network alone, against a control plane stubbed on loopback HTTP: the long poll
 * asks to be told so and says which kind of change came; the plan fetched alone names the version held, is kept as the
 * last sync answer's network part, and a control plane that cannot answer it (a build from before) makes it empty, so
 * the agent syncs instead.
 */
class HttpControlPlaneLinkNetworkTest
{
    private static final HostCredential CREDENTIAL = new HostCredential("host-1", "s".repeat(43));
    private static final NetworkPlan PLAN = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789), List.of(), List.of(), null, null);
    private static final NetworkPlan MOVED = new NetworkPlan("10.213.0.0/16", "10.213.0.0/24", new HostLinkSettings("vxlan", 42, 4789),
            List.of(new NetworkPeer("host-2", "192.0.2.2", "10.213.1.0/24")), List.of(), null, null);

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile String changesAnswer = "{\"changed\": false}";
    private volatile int networkStatus = 200;
    private volatile NetworkAnswer networkAnswer;
    private volatile SyncResponse syncAnswer;
    private HttpControlPlaneLink link;

    @BeforeEach
    void start()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/berth/agent/v1/changes", exchange -> {
            calls.add("changes?" + exchange.getRequestURI().getRawQuery());
            send(exchange, 200, changesAnswer);
        });
        server.createContext("/berth/agent/v1/network", exchange -> {
            calls.add("network" + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            send(exchange, networkStatus, networkStatus == 200 ? Json.mapper().writeValueAsString(networkAnswer) : "{\"__type\":\"NotFound\",\"message\":\"no such call\"}");
        });
        server.createContext("/berth/agent/v1/sync", exchange -> {
            SyncRequest request = Json.mapper().readValue(exchange.getRequestBody().readAllBytes(), SyncRequest.class);
            calls.add("sync held network " + (request.held() == null ? null : request.held().network()));
            send(exchange, 200, Json.mapper().writeValueAsString(syncAnswer));
        });
        server.start();
        link = new HttpControlPlaneLink(URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort()), CREDENTIAL,
                TrustedCertificates.withSystem(List.of()));
    }

    @AfterEach
    void stop()
    {
        server.stop(0);
    }

    @Test
    void theLongPollAsksToBeToldOfANetworkChangeAloneAndSaysWhatCame()
            throws Exception
    {
        assertThat(link.awaitChanges("host-1", Duration.ofSeconds(30))).isEqualTo(HostChange.NONE);
        assertThat(calls).containsExactly("changes?timeout=30&network=1&plan=1");
        changesAnswer = "{\"changed\": true, \"networkOnly\": true}";
        assertThat(link.awaitChanges("host-1", Duration.ofSeconds(30))).isEqualTo(HostChange.NETWORK);
        changesAnswer = "{\"changed\": true}";
        assertThat(link.awaitChanges("host-1", Duration.ofSeconds(30))).isEqualTo(HostChange.ANY);
    }

    @Test
    void aPlanThatCameWithTheWakeUpIsTakenWithoutAFetchAndOneThatNoLongerFitsIsFetched()
            throws Exception
    {
        syncAnswer = new SyncResponse(List.of(), PLAN, null, List.of(), new SyncResponse.PartVersions("a1", "n1", "i1"), List.of(), false);
        link.sync(request());
        String noEndpoints = EndpointChanges.versionOf(List.of());

        // the poll names what is held; the wake-up brings the plan that moved, made for what this agent holds
        changesAnswer = "{\"changed\": true, \"networkOnly\": true, \"madeFor\": \"held=n1&endpoints=" + noEndpoints + "\", \"network\": "
                + Json.mapper().writeValueAsString(new NetworkAnswer(MOVED, "n2", false)) + "}";
        assertThat(link.awaitChanges("host-1", Duration.ofSeconds(30))).isEqualTo(HostChange.NETWORK);
        assertThat(link.network("host-1")).contains(MOVED);
        assertThat(calls).containsExactly("sync held network null", "changes?timeout=30&network=1&plan=1&held=n1&endpoints=" + noEndpoints + "&rest=1");

        // one made for a list this agent no longer holds: fetched instead
        calls.clear();
        EndpointChanges stale = new EndpointChanges(EndpointChanges.versionOf(List.of(new TaskEndpoint("10.213.9.9", "111122223333"))), "x", List.of(), List.of());
        changesAnswer = "{\"changed\": true, \"networkOnly\": true, \"network\": "
                + Json.mapper().writeValueAsString(new NetworkAnswer(PLAN.withEndpoints(List.of()), "n3", false, stale)) + "}";
        networkAnswer = new NetworkAnswer(PLAN, "n3", false);
        assertThat(link.awaitChanges("host-1", Duration.ofSeconds(30))).isEqualTo(HostChange.NETWORK);
        assertThat(link.network("host-1")).contains(PLAN);
        assertThat(calls).containsExactly("changes?timeout=30&network=1&plan=1&held=n2&endpoints=" + noEndpoints + "&rest=1", "network?held=n2&endpoints=" + noEndpoints + "&rest=1");

        // one the control plane made for another list than held: fetched
        calls.clear();
        changesAnswer = "{\"changed\": true, \"networkOnly\": true, \"madeFor\": \"held=n0&endpoints=" + noEndpoints + "\", \"network\": "
                + Json.mapper().writeValueAsString(new NetworkAnswer(MOVED, "n5", false)) + "}";
        networkAnswer = new NetworkAnswer(PLAN, "n3", true);
        assertThat(link.awaitChanges("host-1", Duration.ofSeconds(30))).isEqualTo(HostChange.NETWORK);
        assertThat(link.network("host-1")).contains(PLAN);
        assertThat(calls).last().asString().startsWith("network?held=n3");

        // a sync in between: what the wake-up brought is older than its answer, so the next look fetches
        calls.clear();
        changesAnswer = "{\"changed\": true, \"networkOnly\": true, \"network\": " + Json.mapper().writeValueAsString(new NetworkAnswer(MOVED, "n4", false)) + "}";
        assertThat(link.awaitChanges("host-1", Duration.ofSeconds(30))).isEqualTo(HostChange.NETWORK);
        link.sync(request());
        networkAnswer = new NetworkAnswer(null, "n1", true);
        assertThat(link.network("host-1")).contains(PLAN);
        assertThat(calls).last().asString().startsWith("network?held=n1");
    }

    @Test
    void aPlanFetchedAloneNamesTheVersionHeldAndIsHeldForTheNextSync()
    {
        syncAnswer = new SyncResponse(List.of(), PLAN, null, List.of(), new SyncResponse.PartVersions("a1", "n1", "i1"), List.of(), false);
        assertThat(link.sync(request()).network()).isEqualTo(PLAN);

        // unchanged: the plan held comes back without travelling
        networkAnswer = new NetworkAnswer(null, "n1", true);
        assertThat(link.network("host-1")).contains(PLAN);
        networkAnswer = new NetworkAnswer(MOVED, "n2", false);
        assertThat(link.network("host-1")).contains(MOVED);
        String noEndpoints = EndpointChanges.versionOf(List.of());
        assertThat(calls).containsExactly("sync held network null", "network?held=n1&endpoints=" + noEndpoints + "&rest=1", "network?held=n1&endpoints=" + noEndpoints + "&rest=1");

        // the next sync names the version fetched, and an answer that leaves the network out gets the fetched plan
        syncAnswer = new SyncResponse(null, null, null, List.of(), new SyncResponse.PartVersions("a1", "n2", "i1"),
                List.of(SyncResponse.TASKS, SyncResponse.NETWORK, SyncResponse.INGRESS), false);
        assertThat(link.sync(request()).network()).isEqualTo(MOVED);
        assertThat(calls.getLast()).isEqualTo("sync held network n2");
    }

    @Test
    void aPlanFetchedWithItsEndpointChangesIsMadeFromTheListHeldAndCheckedAgainstTheirVersion()
    {
        TaskEndpoint first = new TaskEndpoint("10.213.0.5", "111111111111");
        TaskEndpoint second = new TaskEndpoint("10.213.1.7", "111111111111");
        NetworkPlan held = withEndpoints(PLAN, List.of(first));
        syncAnswer = new SyncResponse(List.of(), held, null, List.of(), new SyncResponse.PartVersions("a1", "n1", "i1"), List.of(), false);
        link.sync(request());

        List<TaskEndpoint> now = List.of(first, second);
        EndpointChanges changes = EndpointChanges.between(EndpointChanges.versionOf(held.endpoints()), held.endpoints(), EndpointChanges.versionOf(now), now);
        networkAnswer = new NetworkAnswer(MOVED, "n2", false, changes);
        assertThat(link.network("host-1")).contains(withEndpoints(MOVED, now));
        assertThat(calls.getLast()).isEqualTo("network?held=n1&endpoints=" + EndpointChanges.versionOf(List.of(first)) + "&rest=1");
        // the next fetch names the list made from the changes
        networkAnswer = new NetworkAnswer(null, "n2", true);
        assertThat(link.network("host-1")).contains(withEndpoints(MOVED, now));
        assertThat(calls.getLast()).isEqualTo("network?held=n2&endpoints=" + EndpointChanges.versionOf(now) + "&rest=1");

        // the rest of the plan (peers, egress) left out as held: made from the plan held and the changes alone
        List<TaskEndpoint> later = List.of(second);
        networkAnswer = NetworkAnswer.endpointsOnly("n4", EndpointChanges.between(EndpointChanges.versionOf(now), now, EndpointChanges.versionOf(later), later));
        assertThat(link.network("host-1")).contains(withEndpoints(MOVED, later));
        networkAnswer = NetworkAnswer.endpointsOnly("n5", EndpointChanges.between(EndpointChanges.versionOf(later), later, EndpointChanges.versionOf(now), now));
        assertThat(link.network("host-1")).contains(withEndpoints(MOVED, now));
        assertThat(calls.getLast()).isEqualTo("network?held=n4&endpoints=" + EndpointChanges.versionOf(later) + "&rest=1");

        // changes whose result is not at their version (the control plane and the agent disagree) are not taken: the
        // agent syncs instead, and holds what it held
        networkAnswer = new NetworkAnswer(MOVED, "n3", false, new EndpointChanges(EndpointChanges.versionOf(now), "another", List.of(second), List.of()));
        assertThat(link.network("host-1")).isEmpty();
        networkAnswer = new NetworkAnswer(null, "n5", true);
        assertThat(link.network("host-1")).contains(withEndpoints(MOVED, now));
    }

    private static NetworkPlan withEndpoints(NetworkPlan plan, List<TaskEndpoint> endpoints)
    {
        return new NetworkPlan(plan.taskCidr(), plan.hostSubnet(), plan.link(), plan.peers(), endpoints, plan.egress(), plan.reachableServices());
    }

    @Test
    void aControlPlaneThatCannotAnswerThePlanAloneOrHasNoneMakesTheAgentSync()
    {
        syncAnswer = new SyncResponse(List.of(), PLAN, null, List.of(), new SyncResponse.PartVersions("a1", "n1", "i1"), List.of(), false);
        link.sync(request());
        networkStatus = 404;
        assertThat(link.network("host-1")).isEmpty();
        networkStatus = 200;
        // no slice yet: no plan
        networkAnswer = new NetworkAnswer(null, "n0", false);
        assertThat(link.network("host-1")).isEmpty();
        // an answer that says unchanged for another version than the one held is not taken
        networkAnswer = new NetworkAnswer(null, "n9", true);
        assertThat(link.network("host-1")).isEmpty();
    }

    private static SyncRequest request()
    {
        return new SyncRequest(new HostInfo("host-1", "127.0.0.1", 1024, 2048, Map.of()), List.of());
    }

    private static void send(HttpExchange exchange, int status, String body)
            throws IOException
    {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }
}
