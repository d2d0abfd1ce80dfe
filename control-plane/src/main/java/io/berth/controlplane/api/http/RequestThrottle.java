package io.berth.controlplane.api.http;

import io.berth.controlplane.quotas.RequestRates;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * A token bucket per account: it holds at most one second of the account's rate (at least one request) and
 * refills at the rate, so an account may burst to its rate and then sustain it. A rate of 0 is unlimited.
 */
final class RequestThrottle
{
    private static final long NANOS_PER_SECOND = Duration.ofSeconds(1).toNanos();

    private final RequestRates rates;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RequestThrottle(RequestRates rates, Clock clock)
    {
        this.rates = requireNonNull(rates, "rates is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Takes one token of the account's bucket; false when it is empty (the request is to be refused). */
    boolean tryAcquire(String accountId)
    {
        double rate = rates.requestsPerSecond(accountId);
        if (rate <= 0) {
            buckets.remove(accountId);
            return true;
        }
        Instant now = clock.instant();
        return buckets.computeIfAbsent(accountId, ignored -> new Bucket(now, capacity(rate))).tryTake(now, rate);
    }

    private static double capacity(double rate)
    {
        return Math.max(1.0, rate);
    }

    private static final class Bucket
    {
        private Instant refilledAt;
        private double tokens;

        Bucket(Instant now, double tokens)
        {
            this.refilledAt = now;
            this.tokens = tokens;
        }

        synchronized boolean tryTake(Instant now, double rate)
        {
            if (now.isAfter(refilledAt)) {
                double elapsedSeconds = (double) Duration.between(refilledAt, now).toNanos() / NANOS_PER_SECOND;
                tokens = Math.min(capacity(rate), tokens + elapsedSeconds * rate);
                refilledAt = now;
            }
            if (tokens >= 1.0) {
                tokens -= 1.0;
                return true;
            }
            return false;
        }
    }
}
