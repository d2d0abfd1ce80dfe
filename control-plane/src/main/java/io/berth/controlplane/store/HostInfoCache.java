package io.berth.controlplane.store;

import io.berth.common.agentprotocol.HostInfo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hosts' info as parsed from its stored JSON, by that JSON: a host's info changes only when its agent restarts or is
 * upgraded, yet every placement reads every host, and parsing each one's info again was a tenth of a simulated fleet's
 * control-plane CPU (docs/benchmarks.md). The key is the whole text and HostInfo is an immutable value, so a cached one
 * is never stale. Bounded: past {@value #MAX_HOSTS} entries the cache starts afresh (old infos would otherwise stay).
 */
final class HostInfoCache
{
    static final int MAX_HOSTS = 20_000;

    private final Map<String, HostInfo> infos = new ConcurrentHashMap<>();

    HostInfo info(String json)
    {
        HostInfo cached = infos.get(json);
        if (cached != null) {
            return cached;
        }
        HostInfo info = JsonBodies.read(json, HostInfo.class);
        if (infos.size() >= MAX_HOSTS) {
            infos.clear();
        }
        infos.put(json, info);
        return info;
    }
}
