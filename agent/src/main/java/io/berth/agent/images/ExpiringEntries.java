package io.berth.agent.images;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Values kept for a while, each for its own lifetime: what a registry answered moments ago (a tag's resolution, an
 * access token). An expired entry is never returned; expired ones are dropped on a store once there are many.
 */
final class ExpiringEntries<K, V>
{
    /** Beyond this many entries, expired ones are dropped on the next store. */
    private static final int SWEEP_ABOVE = 1024;

    private record Entry<V>(V value, Instant expires) {}

    private final Clock clock;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

    ExpiringEntries(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The key's value, unless it expired. */
    Optional<V> get(K key)
    {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** Keeps the value for the lifetime; a lifetime of zero or less keeps nothing. */
    void put(K key, V value, Duration lifetime)
    {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        if (lifetime.isNegative() || lifetime.isZero()) {
            return;
        }
        Instant now = clock.instant();
        if (entries.size() >= SWEEP_ABOVE) {
            entries.values().removeIf(entry -> !now.isBefore(entry.expires()));
        }
        entries.put(key, new Entry<>(value, now.plus(lifetime)));
    }

    void forget(K key)
    {
        entries.remove(key);
    }

    int size()
    {
        return entries.size();
    }
}
