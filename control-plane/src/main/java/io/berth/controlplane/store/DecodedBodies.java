package io.berth.controlplane.store;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The records most recently decoded from body columns of one type, by their JSON text. A host's sync reads every
 * task it holds (and the network plan every task placed) each heartbeat, and the bodies of idle tasks do not
 * change: decoding each again was most of an idle host's cost on the control plane. An equal text gives the same
 * immutable record, so a hit can never be stale; the least recently used records go past capacity.
 */
final class DecodedBodies<T>
{
    private final Class<T> type;
    private final Map<String, T> recent;

    DecodedBodies(Class<T> type, int capacity)
    {
        this.type = requireNonNull(type, "type is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.recent = new LinkedHashMap<>(16, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, T> eldest)
            {
                return size() > capacity;
            }
        };
    }

    T read(String body)
    {
        requireNonNull(body, "body is null");
        synchronized (recent) {
            T known = recent.get(body);
            if (known != null) {
                return known;
            }
        }
        // decoded outside the lock: syncs of many hosts decode at once
        T decoded = JsonBodies.read(body, type);
        synchronized (recent) {
            recent.put(body, decoded);
        }
        return decoded;
    }

    int size()
    {
        synchronized (recent) {
            return recent.size();
        }
    }
}
