package io.berth.common.hostauth;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostCredentialTest
{
    @Test
    void bearerCredentialRoundTripsAndRejectsMalformedValues()
    {
        HostCredential credential = new HostCredential("host-abc", "s3cr3t");
        assertThat(HostCredential.fromAuthorizationHeader(credential.authorizationHeader())).contains(credential);
        assertThat(HostCredential.fromAuthorizationHeader("Bearer nodot")).isEmpty();
        assertThat(HostCredential.fromAuthorizationHeader("Bearer ../x.y")).isEmpty();
        assertThat(HostCredential.fromAuthorizationHeader("AWS4-HMAC-SHA256 Credential=x")).isEmpty();
        assertThat(credential.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void secretMatchesOnlyItsOwnHash()
    {
        assertThat(HostSecrets.matches("a", HostSecrets.hash("a"))).isTrue();
        assertThat(HostSecrets.matches("b", HostSecrets.hash("a"))).isFalse();
    }

    @Test
    void hostInfoRoundTripsThroughJsonWithAndWithoutAgentPort()
            throws Exception
    {
        HostInfo withPort = new HostInfo("host-1", "10.0.0.2", 2048, 4096, Map.of("zone", "a"), 7001);
        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(withPort), HostInfo.class)).isEqualTo(withPort);
        HostInfo old = Json.mapper().readValue("{\"hostId\":\"host-1\",\"address\":\"127.0.0.1\",\"cpu\":1024,\"memoryMiB\":512}", HostInfo.class);
        assertThat(old.agentPort()).isZero();
    }
}
