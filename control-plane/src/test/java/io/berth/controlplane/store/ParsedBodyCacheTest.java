package io.berth.controlplane.store;

import io.berth.common.agentprotocol.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParsedBodyCacheTest
{
    private final ParsedBodyCache<HostInfo> cache = new ParsedBodyCache<>(HostInfo.class, 2);

    @Test
    void theSameTextIsParsedOnceAndOtherTextAfresh()
    {
        String first = JsonBodies.write(host("host-1"));
        String second = JsonBodies.write(host("host-2"));
        HostInfo parsed = cache.parse(first);
        assertThat(parsed).isEqualTo(host("host-1"));
        assertThat(cache.parse(new String(first))).isSameAs(parsed);
        assertThat(cache.parse(second)).isEqualTo(host("host-2")).isNotSameAs(parsed);
    }

    @Test
    void itStartsAfreshPastItsLimit()
    {
        HostInfo first = cache.parse(JsonBodies.write(host("host-1")));
        cache.parse(JsonBodies.write(host("host-2")));
        cache.parse(JsonBodies.write(host("host-3")));
        assertThat(cache.parse(JsonBodies.write(host("host-1")))).isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void aLimitBelowOneIsRefused()
    {
        assertThatThrownBy(() -> new ParsedBodyCache<>(HostInfo.class, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static HostInfo host(String hostId)
    {
        return new HostInfo(hostId, "10.0.0.1", 4096, 8192, Map.of("zone", "a"), 9443, Set.of());
    }
}
