package io.berth.controlplane.agents.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
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
    void anotherListIsWrittenAndDigestedAnew()
            throws Exception
    {
        List<TaskEndpoint> first = List.of(new TaskEndpoint("10.1.0.2", "111122223333"));
        List<TaskEndpoint> second = List.of(new TaskEndpoint("10.1.0.9", "111122223333"));
        assertThat(shared.digest(first)).isEqualTo(sha256(Json.mapper().writeValueAsString(first)));
        assertThat(writer.writeValueAsString(plan(second, "h1"))).contains("10.1.0.9").doesNotContain("10.1.0.2");
        assertThat(shared.digest(second)).isEqualTo(sha256(Json.mapper().writeValueAsString(second)));
        assertThat(shared.digest(first)).isEqualTo(sha256(Json.mapper().writeValueAsString(first)));
    }

    private static NetworkPlan plan(List<TaskEndpoint> endpoints, String peer)
    {
        return new NetworkPlan("10.1.0.0/16", "10.1.0.0/24", new HostLinkSettings(HostLinkSettings.VXLAN, 42, HostLinkSettings.DEFAULT_VXLAN_PORT),
                List.of(new NetworkPeer(peer, "192.0.2.1", "10.1.1.0/24")), endpoints, null, List.of("192.0.2.1:8686"));
    }

    private static byte[] sha256(String json)
            throws Exception
    {
        return MessageDigest.getInstance("SHA-256").digest(json.getBytes(UTF_8));
    }
}
