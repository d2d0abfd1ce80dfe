package io.berth.cli.agent;

import io.berth.agent.images.RegistryAccessPolicy;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which registries an agent reaches over plain HTTP, from the control plane it joined. */
class AgentNodeRegistryAccessTest
{
    @Test
    void theHostOfAControlPlaneJoinedOverPlainHttpServesItsRegistryOverPlainHttp()
    {
        RegistryAccessPolicy policy = AgentNode.registryAccessPolicy(Set.of("10.9.9.9:5000"), URI.create("http://10.0.0.1:8686"));

        assertThat(policy.scheme("10.0.0.1:41000")).isEqualTo("http");
        assertThat(policy.scheme("10.0.0.1:8686")).isEqualTo("http");
        assertThat(policy.scheme("10.9.9.9:5000")).isEqualTo("http");
        assertThat(policy.scheme("10.0.0.2:41000")).isEqualTo("https");
    }

    @Test
    void theRegistryOfAControlPlaneJoinedOverHttpsIsReachedOverHttpsAndOneOnLoopbackOverPlainHttp()
    {
        // `berth server` serving its API over TLS serves its registry over TLS too, with a certificate of the cluster CA
        RegistryAccessPolicy policy = AgentNode.registryAccessPolicy(Set.of(), URI.create("https://berth.example:8686"));
        assertThat(policy.scheme("berth.example:41000")).isEqualTo("https");
        assertThat(policy.scheme("other.example:41000")).isEqualTo("https");
        // `berth up`'s registry on loopback: traffic that never leaves the machine
        assertThat(AgentNode.registryAccessPolicy(Set.of(), URI.create("https://127.0.0.1:8686")).scheme("127.0.0.1:41000")).isEqualTo("http");
    }

    @Test
    void anIpv6ControlPlaneHostIsMatchedWithoutItsBrackets()
    {
        RegistryAccessPolicy policy = AgentNode.registryAccessPolicy(Set.of(), URI.create("http://[fd00::1]:8686"));

        assertThat(policy.scheme("[fd00::1]:5000")).isEqualTo("http");
    }
}
