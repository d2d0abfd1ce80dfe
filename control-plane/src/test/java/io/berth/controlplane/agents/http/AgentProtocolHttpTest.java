package io.berth.controlplane.agents.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.agentprotocol.AgentSyncDelta;
import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.HeldState;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkAnswer;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.ServedControlPlane;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.agents.access.IssuedJoinToken;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.api.http.ApiServer;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The agent protocol over real HTTP on the API server: join, sync, long poll, and every refusal. */
class AgentProtocolHttpTest
{
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private ServedControlPlane served;
    private ControlPlane controlPlane;
    private ApiServer server;
    private AccessKey operator;

    @BeforeEach
    void start()
    {
        served = ServedControlPlane.start(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock),
                (server, controlPlane) -> server.mount(AgentProtocolHandler.PREFIX, controlPlane.agentProtocol()));
        controlPlane = served.controlPlane();
        server = served.server();
        operator = controlPlane.accounts().bootstrapOperator();
    }

    @AfterEach
    void stop()
    {
        served.close();
    }

    @Test
    void aHostJoinsWithAReusableTokenAndSyncsWithItsOwnCredential()
            throws Exception
    {
        String token = controlPlane.hostAccess().issueJoinToken(Optional.empty()).token();
        HostCredential first = join(token);
        HostCredential second = join(token);
        assertThat(first.hostId()).isNotEqualTo(second.hostId());

        HttpResponse<String> synced = post("sync", sync(first.hostId()), first.authorizationHeader());
        assertThat(synced.statusCode()).isEqualTo(200);
        SyncResponse answer = Json.mapper().readValue(synced.body(), SyncResponse.class);
        assertThat(answer.tasks()).isEmpty();
        // the network plan travels whole: the host's slice and the link to the others
        assertThat(answer.network().hostSubnet()).isEqualTo("10.213.0.0/24");
        assertThat(answer.network().link().kind()).isEqualTo("vxlan");

        HttpResponse<String> impersonation = post("sync", sync(second.hostId()), first.authorizationHeader());
        assertThat(impersonation.statusCode()).isEqualTo(403);
        assertThat(message(impersonation)).contains(first.hostId()).contains(second.hostId());

        assertThat(post("sync", sync(first.hostId()), null).statusCode()).isEqualTo(401);
        assertThat(post("sync", sync(first.hostId()), new HostCredential(first.hostId(), "f".repeat(64)).authorizationHeader()).statusCode()).isEqualTo(401);
        assertThat(post("sync", sync(first.hostId()), "AWS4-HMAC-SHA256 Credential=AKIA/20250101/us-east-1/ecs/aws4_request").statusCode()).isEqualTo(401);
    }

    @Test
    void theJoinAndEachSyncHandTheControlPlanesKeyAndARotationIsTakenOverTheAuthenticatedChannel()
            throws Exception
    {
        HttpResponse<String> joined = post("join", "{\"token\": \"" + controlPlane.hostAccess().issueJoinToken(Optional.empty()).token() + "\"}", null);
        JsonNode joinAnswer = Json.mapper().readTree(joined.body());
        HostCredential host = new HostCredential(joinAnswer.path("hostId").asText(), joinAnswer.path("secret").asText());
        String key = controlPlane.identity().publicKeyText();
        assertThat(joinAnswer.path("agentCallKey").asText()).isEqualTo(key);

        HttpResponse<String> synced = post("sync", sync(host.hostId()), host.authorizationHeader());
        assertThat(synced.headers().firstValue(AgentCallKeys.SYNC_HEADER)).contains(key);
        assertThat(synced.headers().firstValue(HostCredential.ROTATE_HEADER)).isEmpty();

        controlPlane.hostAccess().requestRotation(List.of(host.hostId()), Duration.ofSeconds(5));
        assertThat(post("sync", sync(host.hostId()), host.authorizationHeader()).headers().firstValue(HostCredential.ROTATE_HEADER)).contains("true");
        HttpResponse<String> rotated = post("rotate", "", host.authorizationHeader());
        assertThat(rotated.statusCode()).isEqualTo(200);
        HostCredential next = new HostCredential(host.hostId(), Json.mapper().readTree(rotated.body()).path("secret").asText());
        assertThat(post("sync", sync(host.hostId()), next.authorizationHeader()).headers().firstValue(HostCredential.ROTATE_HEADER)).isEmpty();

        clock.advance(Duration.ofSeconds(6));
        HttpResponse<String> old = post("sync", sync(host.hostId()), host.authorizationHeader());
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(message(old)).contains("grace period ended");
        assertThat(post("rotate", "", host.authorizationHeader()).statusCode()).isEqualTo(401);
    }

    @Test
    void aControlPlaneWithoutTlsIssuesNoAgentCertificateAndABadRequestIsRefused()
            throws Exception
    {
        HostCredential host = join(controlPlane.hostAccess().issueJoinToken(Optional.empty()).token());
        String publicKey = Base64.getEncoder().encodeToString(KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded());

        HttpResponse<String> plain = post("certificate", "{\"publicKey\": \"" + publicKey + "\", \"address\": \"127.0.0.1\"}", host.authorizationHeader());
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(message(plain)).contains("--tls off");
        assertThat(post("certificate", "{\"publicKey\": \"bm9wZQ==\", \"address\": \"127.0.0.1\"}", host.authorizationHeader()).statusCode()).isEqualTo(400);
        assertThat(post("certificate", "{\"publicKey\": \"" + publicKey + "\", \"address\": \"a b\"}", host.authorizationHeader()).statusCode()).isEqualTo(400);
        assertThat(post("certificate", "{\"publicKey\": \"" + publicKey + "\", \"address\": \"127.0.0.1\"}", null).statusCode()).isEqualTo(401);
    }

    @Test
    void badAndExpiredTokensAreRefusedWithWhatToDo()
            throws Exception
    {
        IssuedJoinToken token = controlPlane.hostAccess().issueJoinToken(Optional.of(Duration.ofMinutes(10)));
        String tokenId = token.token().substring(0, token.token().indexOf('.'));

        HttpResponse<String> wrongSecret = post("join", "{\"token\": \"" + tokenId + "." + "0".repeat(64) + "\"}", null);
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(message(wrongSecret)).contains("not valid").contains("berth host token");
        assertThat(post("join", "{\"token\": \"garbage\"}", null).statusCode()).isEqualTo(401);
        assertThat(post("join", "{}", null).statusCode()).isEqualTo(401);
        assertThat(post("join", "not json", null).statusCode()).isEqualTo(400);

        assertThat(join(token.token()).hostId()).startsWith("host-");
        clock.advance(Duration.ofMinutes(11));
        HttpResponse<String> expired = post("join", "{\"token\": \"" + token.token() + "\"}", null);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(message(expired)).contains("expired");
    }

    @Test
    void theLongPollReturnsWhenTheHostsDesiredStateChanges()
            throws Exception
    {
        HostCredential host = join(controlPlane.hostAccess().issueJoinToken(Optional.empty()).token());
        assertThat(post("sync", sync(host.hostId()), host.authorizationHeader()).statusCode()).isEqualTo(200);

        HttpResponse<String> quiet = get("changes?timeout=0", host.authorizationHeader());
        assertThat(quiet.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(quiet.body()).path("changed").asBoolean()).isFalse();

        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(request("changes?timeout=60", host.authorizationHeader()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        EcsClient ecs = new EcsClient(controlPlane, operator);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        HttpResponse<String> changed = waiting.get();
        assertThat(Json.mapper().readTree(changed.body()).path("changed").asBoolean()).isTrue();

        assertThat(get("changes?timeout=0", null).statusCode()).isEqualTo(401);
        assertThat(get("changes?timeout=soon", host.authorizationHeader()).statusCode()).isEqualTo(400);
    }

    @Test
    void aChangeOfTheNetworkAloneIsToldAsSuchAndItsPlanIsFetchedWithoutASync()
            throws Exception
    {
        String token = controlPlane.hostAccess().issueJoinToken(Optional.empty()).token();
        HostCredential first = join(token);
        assertThat(post("sync", sync(first.hostId()), first.authorizationHeader()).statusCode()).isEqualTo(200);
        assertThat(json(get("changes?timeout=0&network=1", first.authorizationHeader())).path("changed").asBoolean()).isFalse();

        // a host that joins is a new peer of the first: its network alone changed
        HostCredential second = join(token);
        assertThat(post("sync", sync(second.hostId()), second.authorizationHeader()).statusCode()).isEqualTo(200);
        // an agent that does not ask to be told so (a build from before) hears of it as of any change, and syncs
        JsonNode plain = json(get("changes?timeout=0", first.authorizationHeader()));
        assertThat(plain.path("changed").asBoolean()).isTrue();
        assertThat(plain.has("networkOnly")).isFalse();
        JsonNode told = json(get("changes?timeout=0&network=1", first.authorizationHeader()));
        assertThat(told.path("changed").asBoolean()).isTrue();
        assertThat(told.path("networkOnly").asBoolean()).isTrue();
        // that answer took the change with it: the agent fetches the plan next, and no sync comes to clear it
        assertThat(json(get("changes?timeout=0&network=1", first.authorizationHeader())).path("changed").asBoolean()).isFalse();

        Instant heartbeat = controlPlane.hosts().find(first.hostId()).host().lastHeartbeat();
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> fetched = get("network", first.authorizationHeader());
        assertThat(fetched.statusCode()).isEqualTo(200);
        NetworkAnswer plan = Json.mapper().readValue(fetched.body(), NetworkAnswer.class);
        assertThat(plan.unchanged()).isFalse();
        assertThat(plan.network().hostSubnet()).isEqualTo("10.213.0.0/24");
        assertThat(plan.network().peers()).extracting(NetworkPeer::hostId).containsExactly(second.hostId());
        // a fetch writes nothing: it is no heartbeat
        assertThat(controlPlane.hosts().find(first.hostId()).host().lastHeartbeat()).isEqualTo(heartbeat);

        // the plan the agent holds does not travel again, and its version is the one a sync answer gives it
        NetworkAnswer again = Json.mapper().readValue(get("network?held=" + plan.version(), first.authorizationHeader()).body(), NetworkAnswer.class);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.network()).isNull();
        assertThat(again.version()).isEqualTo(plan.version());
        SyncResponse synced = Json.mapper().readValue(post("sync", sync(first.hostId()), first.authorizationHeader()).body(), SyncResponse.class);
        assertThat(synced.versions().network()).isEqualTo(plan.version());

        assertThat(get("network", null).statusCode()).isEqualTo(401);
        HttpResponse<String> garbled = get("changes?timeout=0&network=yes", first.authorizationHeader());
        assertThat(garbled.statusCode()).isEqualTo(400);
        assertThat(message(garbled)).contains("network").contains("yes");
        assertThat(post("network", "", first.authorizationHeader()).statusCode()).isEqualTo(405);
    }

    @Test
    void aNetworkOnlyWakeUpBringsThePlanMadeForWhatTheAgentHoldsSinceItsLastAnswer()
            throws Exception
    {
        String token = controlPlane.hostAccess().issueJoinToken(Optional.empty()).token();
        HostCredential watcher = join(token);
        AgentSyncDelta watcherDelta = new AgentSyncDelta();
        assertThat(deltaSync(watcher, watcherDelta).network().peers()).isEmpty();
        // what a long poll begun now names; the watcher's syncs go on while it waits
        String namedByThePoll = watcherDelta.heldNetworkQuery();

        HostCredential second = join(token);
        deltaSync(second, new AgentSyncDelta());
        assertThat(deltaSync(watcher, watcherDelta).network().peers()).extracting(NetworkPeer::hostId).containsExactly(second.hostId());
        assertThat(watcherDelta.heldNetworkQuery()).isNotEqualTo(namedByThePoll);
        HostCredential third = join(token);
        deltaSync(third, new AgentSyncDelta());

        // the network changed since the watcher's last answer: the wake-up brings the plan, made for what that answer left it holding
        HttpResponse<String> woken = get("changes?timeout=20&network=1&plan=1&" + namedByThePoll, watcher.authorizationHeader());
        JsonNode answer = Json.mapper().readTree(woken.body());
        assertThat(answer.path("networkOnly").asBoolean()).isTrue();
        assertThat(answer.path("madeFor").asText()).isEqualTo(watcherDelta.heldNetworkQuery());
        NetworkPlan plan = watcherDelta.networkBrought(answer.path("madeFor").asText(), Json.mapper().treeToValue(answer.get("network"), NetworkAnswer.class)).orElseThrow();
        assertThat(plan.peers()).extracting(NetworkPeer::hostId).containsExactlyInAnyOrder(second.hostId(), third.hostId());
        // it is the control plane's plan: the next sync leaves the network out as held
        assertThat(deltaSync(watcher, watcherDelta).network()).isEqualTo(plan);

        // a garbled plan= is refused, and so are plan=1 without network=1 and rest=1 without plan=1 (neither would be honoured)
        assertThat(get("changes?timeout=0&network=1&plan=2", watcher.authorizationHeader()).statusCode()).isEqualTo(400);
        HttpResponse<String> planAlone = get("changes?timeout=0&plan=1", watcher.authorizationHeader());
        assertThat(planAlone.statusCode()).isEqualTo(400);
        assertThat(planAlone.body()).contains("plan=1 needs network=1");
        assertThat(get("changes?timeout=0&network=1&rest=1", watcher.authorizationHeader()).body()).contains("rest=1 on a long poll needs plan=1");
        assertThat(get("changes?timeout=0&network=1&plan=1&rest=1", watcher.authorizationHeader()).statusCode()).isEqualTo(200);
    }

    @Test
    void aPlanFetchedAfterATaskStartedBringsOnlyHowTheEndpointsChanged()
            throws Exception
    {
        String token = controlPlane.hostAccess().issueJoinToken(Optional.empty()).token();
        HostCredential runner = join(token);
        HostCredential watcher = join(token);
        AgentSyncDelta runnerDelta = new AgentSyncDelta();
        AgentSyncDelta watcherDelta = new AgentSyncDelta();
        deltaSync(runner, runnerDelta);
        assertThat(deltaSync(watcher, watcherDelta).network().endpoints()).isEmpty();

        // a task starts on the runner and reports its address: it becomes an endpoint of every plan
        EcsClient ecs = new EcsClient(controlPlane, operator);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\", "
                + "\"placementConstraints\": [{\"type\": \"memberOf\", \"expression\": \"instanceId == " + runner.hostId() + "\"}]}").path("tasks").path(0).path("taskArn").asText();
        String taskId = arn.substring(arn.lastIndexOf('/') + 1);
        String subnet = deltaSync(runner, runnerDelta).network().hostSubnet();
        String prefix = subnet.substring(0, subnet.lastIndexOf('.'));
        String address = prefix + ".9";
        NetworkReport network = new NetworkReport(address, subnet, prefix + ".1", "02:00:00:00:00:09");
        Instant now = clock.instant();
        TaskReport running = new TaskReport(taskId, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null, network);
        deltaSync(runner, runnerDelta, running);
        // the runner's next sync answer brings the network that changed as the change of its endpoints, too
        SyncRequest full = new SyncRequest(new HostInfo(runner.hostId(), "127.0.0.1", 1024, 2048, Map.of(), 7000), List.of(running));
        SyncRequest sent = runnerDelta.outgoing(full);
        assertThat(sent.held().endpoints()).isEqualTo(EndpointChanges.versionOf(List.of()));
        assertThat(sent.held().takesRestAsHeld()).isTrue();
        // an agent of a build from before gets the rest of the plan (its peers) with the changes
        SyncRequest old = sent.withHeld(new HeldState(sent.held().taskIds(), sent.held().assignments(), sent.held().network(), sent.held().ingress(),
                sent.held().endpoints()));
        String oldBody = post("sync", Json.mapper().writeValueAsString(old), runner.authorizationHeader()).body();
        SyncResponse syncedWithRest = Json.mapper().readValue(oldBody, SyncResponse.class);
        assertThat(syncedWithRest.network().endpoints()).isEmpty();
        assertThat(syncedWithRest.network().peers()).extracting(NetworkPeer::hostId).containsExactly(watcher.hostId());
        assertThat(syncedWithRest.networkRestHeld()).isFalse();
        // this one holds the rest as it is: the changes come alone
        String body = post("sync", Json.mapper().writeValueAsString(sent), runner.authorizationHeader()).body();
        SyncResponse raw = Json.mapper().readValue(body, SyncResponse.class);
        assertThat(raw.network()).isNull();
        assertThat(raw.networkRestHeld()).isTrue();
        assertThat(body.length()).isLessThan(oldBody.length());
        assertThat(raw.endpointChanges().added()).extracting(TaskEndpoint::ipv4Address).containsExactly(address);
        NetworkPlan madeFromChanges = runnerDelta.incoming(full, sent, raw).network();
        assertThat(madeFromChanges.endpoints()).extracting(TaskEndpoint::ipv4Address).containsExactly(address);
        assertThat(madeFromChanges.peers()).isEqualTo(syncedWithRest.network().peers());
        assertThat(madeFromChanges.hostSubnet()).isEqualTo(subnet);
        TaskEndpoint endpoint = new TaskEndpoint(address, operator.account().accountId());

        // the watcher names the endpoints it holds (none): the answer brings the one that came, not the list; an agent
        // that does not say it takes the rest of the plan as held (a build from before) gets the rest (peers, egress)
        String path = watcherDelta.networkFetchPath();
        assertThat(path).contains("&endpoints=" + EndpointChanges.versionOf(List.of())).endsWith("&rest=1");
        NetworkAnswer withRest = Json.mapper().readValue(get(path.replace("&rest=1", ""), watcher.authorizationHeader()).body(), NetworkAnswer.class);
        assertThat(withRest.network().endpoints()).isEmpty();
        assertThat(withRest.network().peers()).extracting(NetworkPeer::hostId).containsExactly(runner.hostId());
        assertThat(withRest.restHeld()).isFalse();
        // one that does, and holds the peers as they are, gets the endpoints' changes alone
        HttpResponse<String> fetched = get(path, watcher.authorizationHeader());
        assertThat(fetched.statusCode()).isEqualTo(200);
        NetworkAnswer answer = Json.mapper().readValue(fetched.body(), NetworkAnswer.class);
        assertThat(answer.network()).isNull();
        assertThat(answer.restHeld()).isTrue();
        assertThat(fetched.body().length()).isLessThan(Json.mapper().writeValueAsString(withRest).length());
        assertThat(answer.endpointChanges().added()).containsExactly(endpoint);
        assertThat(answer.endpointChanges().removed()).isEmpty();
        NetworkPlan plan = watcherDelta.networkFetched(answer).orElseThrow();
        assertThat(plan.endpoints()).containsExactly(endpoint);
        assertThat(watcherDelta.heldEndpointsVersion()).isEqualTo(EndpointChanges.versionOf(List.of(endpoint)));
        // the plan made from the changes is the control plane's: its next sync leaves the network out as held
        SyncResponse synced = deltaSync(watcher, watcherDelta);
        assertThat(synced.network()).isEqualTo(plan);

        // an endpoints version the control plane does not know (a list of long ago) gets the whole plan
        HttpResponse<String> unknown = get("network?held=old&endpoints=" + EndpointChanges.versionOf(List.of(new TaskEndpoint("10.0.0.1", "1"))), watcher.authorizationHeader());
        NetworkAnswer whole = Json.mapper().readValue(unknown.body(), NetworkAnswer.class);
        assertThat(whole.endpointChanges()).isNull();
        assertThat(whole.network().endpoints()).containsExactly(endpoint);

        // a garbled rest= is refused
        assertThat(get(path.replace("&rest=1", "&rest=yes"), watcher.authorizationHeader()).statusCode()).isEqualTo(400);

        // the task stops: the next fetch brings its endpoint as gone
        deltaSync(runner, runnerDelta, new TaskReport(taskId, TaskReport.Status.STOPPED, now, now, now, now, "EssentialContainerExited", "exited", List.of(), null, network));
        NetworkAnswer gone = Json.mapper().readValue(get(watcherDelta.networkFetchPath(), watcher.authorizationHeader()).body(), NetworkAnswer.class);
        assertThat(gone.endpointChanges().removed()).containsExactly(endpoint);
        assertThat(watcherDelta.networkFetched(gone).orElseThrow().endpoints()).isEmpty();
    }

    @Test
    void aTaskPlacedOnAHostComesAloneToAnAgentThatHoldsTheOthersAndAStoppedOneGoesByItsId()
            throws Exception
    {
        HostCredential host = join(controlPlane.hostAccess().issueJoinToken(Optional.empty()).token());
        AgentSyncDelta delta = new AgentSyncDelta();
        deltaSync(host, delta);
        EcsClient ecs = new EcsClient(controlPlane, operator);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", "
                + "\"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        String onHost = "\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\", "
                + "\"placementConstraints\": [{\"type\": \"memberOf\", \"expression\": \"instanceId == " + host.hostId() + "\"}]";
        ecs.call("RunTask", "{" + onHost + ", \"count\": 3}");
        List<TaskAssignment> three = deltaSync(host, delta).tasks();
        assertThat(three).hasSize(3);

        String arn = ecs.call("RunTask", "{" + onHost + "}").path("tasks").path(0).path("taskArn").asText();
        String fourth = arn.substring(arn.lastIndexOf('/') + 1);
        SyncRequest full = new SyncRequest(new HostInfo(host.hostId(), "127.0.0.1", 1024, 2048, Map.of(), 7000), List.of());
        SyncRequest sent = delta.outgoing(full);
        assertThat(sent.held().assignmentChanges()).isTrue();
        HttpResponse<String> changed = post("sync", Json.mapper().writeValueAsString(sent), host.authorizationHeader());
        SyncResponse raw = Json.mapper().readValue(changed.body(), SyncResponse.class);
        // the new task alone, not the three the agent holds
        assertThat(raw.tasks()).isNull();
        assertThat(raw.assignmentChanges().changed()).extracting(TaskAssignment::taskId).containsExactly(fourth);
        assertThat(raw.assignmentChanges().removed()).isEmpty();
        SyncResponse whole = delta.incoming(full, sent, raw);
        assertThat(whole.tasks()).extracting(TaskAssignment::taskId)
                .containsExactly(three.get(0).taskId(), three.get(1).taskId(), three.get(2).taskId(), fourth);
        // an agent of a build from before, holding the same three, gets the whole list: a longer answer
        SyncRequest old = sent.withHeld(new HeldState(sent.held().taskIds(), sent.held().assignments(), sent.held().network(), sent.held().ingress(),
                sent.held().endpoints(), false, true));
        HttpResponse<String> oldAnswer = post("sync", Json.mapper().writeValueAsString(old), host.authorizationHeader());
        SyncResponse oldRaw = Json.mapper().readValue(oldAnswer.body(), SyncResponse.class);
        assertThat(oldRaw.assignmentChanges()).isNull();
        assertThat(oldRaw.tasks()).hasSize(4);
        assertThat(changed.body().length()).isLessThan(oldAnswer.body().length());
        // the versions agree: the list made from the changes is held; the fourth task runs, and a sync after leaves the list out
        assertThat(oldRaw.versions().assignments()).isEqualTo(whole.versions().assignments());
        Instant now = clock.instant();
        SyncRequest running = new SyncRequest(full.host(), List.of(new TaskReport(fourth, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null, null)));
        deltaSync(host, delta, running.tasks().getFirst());
        SyncRequest next = delta.outgoing(running);
        SyncResponse held = Json.mapper().readValue(post("sync", Json.mapper().writeValueAsString(next), host.authorizationHeader()).body(), SyncResponse.class);
        assertThat(held.unchanged()).contains(SyncResponse.TASKS);
        assertThat(delta.incoming(running, next, held).tasks()).hasSize(4);

        // a stop changes the task's desired status: that assignment alone comes again
        ecs.call("StopTask", "{\"task\": \"" + fourth + "\"}");
        SyncRequest afterStop = delta.outgoing(running);
        SyncResponse stopping = Json.mapper().readValue(post("sync", Json.mapper().writeValueAsString(afterStop), host.authorizationHeader()).body(), SyncResponse.class);
        assertThat(stopping.assignmentChanges().changed()).singleElement()
                .satisfies(assignment -> assertThat(assignment.desiredStatus()).isEqualTo(TaskAssignment.DesiredStatus.STOPPED))
                .extracting(TaskAssignment::taskId).isEqualTo(fourth);
        delta.incoming(running, afterStop, stopping);
        // once its STOPPED report is recorded the task goes by its id
        SyncRequest reported = new SyncRequest(full.host(), List.of(new TaskReport(fourth, TaskReport.Status.STOPPED, now, now, now, now, "TaskStopped", "stopped",
                List.of(), null, null)));
        SyncRequest reportSent = delta.outgoing(reported);
        SyncResponse gone = Json.mapper().readValue(post("sync", Json.mapper().writeValueAsString(reportSent), host.authorizationHeader()).body(), SyncResponse.class);
        assertThat(gone.assignmentChanges().removed()).containsExactly(fourth);
        assertThat(gone.assignmentChanges().changed()).isEmpty();
        assertThat(delta.incoming(reported, reportSent, gone).tasks()).extracting(TaskAssignment::taskId)
                .containsExactly(three.get(0).taskId(), three.get(1).taskId(), three.get(2).taskId());

        // a version the control plane did not last answer this host (another replica's, or a lost answer's) gets the list
        SyncRequest unknown = full.withHeld(new HeldState(null, "elsewhere", null, null, null, true, true));
        SyncResponse listed = Json.mapper().readValue(post("sync", Json.mapper().writeValueAsString(unknown), host.authorizationHeader()).body(), SyncResponse.class);
        assertThat(listed.assignmentChanges()).isNull();
        assertThat(listed.tasks()).hasSize(3);
    }

    /** One sync of host as its agent makes it: the reports changed since the last, the parts held named. */
    private SyncResponse deltaSync(HostCredential host, AgentSyncDelta delta, TaskReport... reports)
            throws Exception
    {
        SyncRequest full = new SyncRequest(new HostInfo(host.hostId(), "127.0.0.1", 1024, 2048, Map.of(), 7000), List.of(reports));
        SyncRequest sent = delta.outgoing(full);
        HttpResponse<String> answered = post("sync", Json.mapper().writeValueAsString(sent), host.authorizationHeader());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        return delta.incoming(full, sent, Json.mapper().readValue(answered.body(), SyncResponse.class));
    }

    @Test
    void onlyTheOperatorIssuesJoinTokens()
    {
        AdminEndpoint endpoint = controlPlane.adminEndpoints().stream().filter(candidate -> candidate.pathPattern().equals("/berth/hosts/tokens")).findFirst().orElseThrow();
        JsonNode issued = endpoint.handle(new RequestContext(operator.account(), "us-east-1", "r1"), Map.of(), Map.of(), EcsClient.parse("{\"expiresInSeconds\": 60}"));
        assertThat(issued.path("token").asText()).contains(".");
        assertThat(issued.path("expiresAt").asDouble()).isEqualTo(clock.instant().plusSeconds(60).toEpochMilli() / 1000.0);

        AccessKey tenant = controlPlane.accounts().createAccount("tenant");
        EcsException refused = catchThrowableOfType(EcsException.class,
                () -> endpoint.handle(new RequestContext(tenant.account(), "us-east-1", "r2"), Map.of(), Map.of(), EcsClient.parse("{}")));
        assertThat(refused.type()).isEqualTo("AccessDeniedException");
        EcsException invalid = catchThrowableOfType(EcsException.class,
                () -> endpoint.handle(new RequestContext(operator.account(), "us-east-1", "r3"), Map.of(), Map.of(), EcsClient.parse("{\"expiresInSeconds\": -1}")));
        assertThat(invalid.type()).isEqualTo("InvalidParameterException");
    }

    @Test
    void eachAgentIsAnsweredInItsOwnProtocolVersionAndOneNewerThanTheControlPlaneIsRefusedSayingWhatToUpgrade()
            throws Exception
    {
        HostCredential host = join(controlPlane.hostAccess().issueJoinToken(Optional.empty()).token());
        controlPlane.identity().rotate(Duration.ofMinutes(5));

        // a build from before versions (no header): answered in version 1, which knows no previous agent-call key
        HttpResponse<String> unversioned = post("sync", sync(host.hostId()), host.authorizationHeader());
        assertThat(unversioned.statusCode()).isEqualTo(200);
        assertThat(unversioned.headers().firstValue(AgentProtocolVersion.HEADER)).contains("1");
        assertThat(unversioned.headers().firstValue(AgentCallKeys.PREVIOUS_SYNC_HEADER)).isEmpty();
        assertThat(hostInfo(host.hostId()).speaksAgentProtocol()).isEqualTo(1);

        HttpResponse<String> current = http.send(request("sync", host.authorizationHeader()).header(AgentProtocolVersion.HEADER, Integer.toString(AgentProtocolVersion.CURRENT))
                .POST(HttpRequest.BodyPublishers.ofString(sync(host.hostId()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(current.headers().firstValue(AgentProtocolVersion.HEADER)).contains(Integer.toString(AgentProtocolVersion.CURRENT));
        assertThat(current.headers().firstValue(AgentCallKeys.PREVIOUS_SYNC_HEADER)).isPresent();
        // what the control plane's calls to this agent will speak
        assertThat(hostInfo(host.hostId()).speaksAgentProtocol()).isEqualTo(AgentProtocolVersion.CURRENT);

        HttpResponse<String> newer = http.send(request("sync", host.authorizationHeader()).header(AgentProtocolVersion.HEADER, Integer.toString(AgentProtocolVersion.CURRENT + 1))
                .POST(HttpRequest.BodyPublishers.ofString(sync(host.hostId()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(newer.statusCode()).isEqualTo(426);
        assertThat(message(newer)).contains("upgrade the control planes first");

        HttpResponse<String> garbled = http.send(request("sync", host.authorizationHeader()).header(AgentProtocolVersion.HEADER, "two")
                .POST(HttpRequest.BodyPublishers.ofString(sync(host.hostId()))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(garbled.statusCode()).isEqualTo(400);
        assertThat(message(garbled)).contains(AgentProtocolVersion.HEADER);
    }

    private HostInfo hostInfo(String hostId)
    {
        return controlPlane.hosts().find(hostId).host().info();
    }

    private HostCredential join(String token)
            throws Exception
    {
        HttpResponse<String> joined = post("join", "{\"token\": \"" + token + "\"}", null);
        assertThat(joined.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(joined.body());
        return new HostCredential(body.path("hostId").asText(), body.path("secret").asText());
    }

    private static String sync(String hostId)
            throws Exception
    {
        return Json.mapper().writeValueAsString(new SyncRequest(new HostInfo(hostId, "127.0.0.1", 1024, 2048, Map.of(), 7000), List.of()));
    }

    private HttpRequest.Builder request(String path, String authorization)
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.endpoint() + AgentProtocolHandler.PREFIX + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private HttpResponse<String> post(String path, String body, String authorization)
            throws Exception
    {
        return http.send(request(path, authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String authorization)
            throws Exception
    {
        return http.send(request(path, authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response)
            throws Exception
    {
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static String message(HttpResponse<String> response)
            throws Exception
    {
        return Json.mapper().readTree(response.body()).path("message").asText();
    }
}
