package io.berth.common.hostauth;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostRequestSignatureTest
{
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private final String secretHash = HostSecrets.hash(HostSecrets.newSecret(new SecureRandom()));

    @Test
    void aSignatureMadeWithTheHashOfTheSecretVerifies()
    {
        String header = HostRequestSignature.sign("host-1", secretHash, "GET", "/v1/tasks/t1/logs", "max=10", NOW);
        assertThat(HostRequestSignature.verify(header, "host-1", secretHash, "GET", "/v1/tasks/t1/logs", "max=10", NOW.plusSeconds(30))).isEmpty();
    }

    @Test
    void aSignatureForAnotherPathHostKeyOrTimeIsRefused()
    {
        String header = HostRequestSignature.sign("host-1", secretHash, "GET", "/v1/tasks/t1/logs", "max=10", NOW);
        assertThat(HostRequestSignature.verify(header, "host-1", secretHash, "GET", "/v1/tasks/t2/logs", "max=10", NOW)).isPresent();
        assertThat(HostRequestSignature.verify(header, "host-1", secretHash, "GET", "/v1/tasks/t1/logs", "max=11", NOW)).isPresent();
        assertThat(HostRequestSignature.verify(header, "host-2", secretHash, "GET", "/v1/tasks/t1/logs", "max=10", NOW)).get().asString().contains("host-2");
        assertThat(HostRequestSignature.verify(header, "host-1", HostSecrets.hash("other"), "GET", "/v1/tasks/t1/logs", "max=10", NOW)).isPresent();
        assertThat(HostRequestSignature.verify(header, "host-1", secretHash, "GET", "/v1/tasks/t1/logs", "max=10", NOW.plusSeconds(600))).get().asString().contains("clock");
        assertThat(HostRequestSignature.verify(null, "host-1", secretHash, "GET", "/v1/tasks/t1/logs", "max=10", NOW)).isPresent();
    }

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
