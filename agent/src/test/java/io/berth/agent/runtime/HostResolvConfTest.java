package io.berth.agent.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostResolvConfTest
{
    @Test
    void keepsNameServersSearchAndOptions()
    {
        assertThat(HostResolvConf.usableInContainers(List.of("# generated", "nameserver 10.0.0.2", "search corp.example", "options ndots:2")))
                .contains("nameserver 10.0.0.2\nsearch corp.example\noptions ndots:2\n");
    }

    @Test
    void loopbackResolverIsNotUsable()
    {
        assertThat(HostResolvConf.usableInContainers(List.of("nameserver 127.0.0.53", "options edns0"))).isEmpty();
        assertThat(HostResolvConf.usableInContainers(List.of("search only.example"))).isEmpty();
    }
}
