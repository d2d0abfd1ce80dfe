package io.berth.controlplane.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Bodies parsed from their stored JSON, by that JSON, for rows read far more often than they change: a host's info
 * changes only when its agent restarts or is upgraded, yet every placement reads every host; a task definition's
 * revision changes only when it is deregistered, yet each sync reads the definitions of the host's tasks still to start
 * (for their secrets), and each RunTask its own and its cluster's configuration. Parsing hosts' info again was a tenth of
 * a simulated fleet's control-plane CPU, and definitions and configurations a twentieth of it (docs/benchmarks.md). The key is the whole text and the bodies are immutable values, so a cached one is never stale.
 * Bounded: past its limit the cache starts afresh (old bodies would otherwise stay).
 */
final class ParsedBodyCache<T>
{
    private final Class<T> type;
    private final int limit;
    private final Map<String, T> parsed = new ConcurrentHashMap<>();

    ParsedBodyCache(Class<T> type, int limit)
    {
        this.type = requireNonNull(type, "type is null");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    T parse(String json)
    {
        T cached = parsed.get(json);
        if (cached != null) {
            return cached;
        }
        T body = JsonBodies.read(json, type);
        if (parsed.size() >= limit) {
            parsed.clear();
        }
        parsed.put(json, body);
        return body;
    }
}
