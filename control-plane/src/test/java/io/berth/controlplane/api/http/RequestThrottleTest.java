package io.berth.controlplane.api.http;

import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestThrottleTest
{
    private final ManualClock clock = new ManualClock();
    private final Map<String, Double> rates = new java.util.HashMap<>(Map.of("slow", 2.0, "free", 0.0, "trickle", 0.5));
    private final RequestThrottle throttle = new RequestThrottle(accountId -> rates.getOrDefault(accountId, 0.0), clock);

    @Test
    void burstsToOneSecondOfTheRateThenRefillsAtTheRate()
    {
        assertThat(throttle.tryAcquire("slow")).isTrue();
        assertThat(throttle.tryAcquire("slow")).isTrue();
        assertThat(throttle.tryAcquire("slow")).isFalse();
        clock.advance(Duration.ofMillis(499));
        assertThat(throttle.tryAcquire("slow")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(throttle.tryAcquire("slow")).isTrue();
        assertThat(throttle.tryAcquire("slow")).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.tryAcquire("slow")).isTrue();
        assertThat(throttle.tryAcquire("slow")).isTrue();
        assertThat(throttle.tryAcquire("slow")).isFalse();
    }

    @Test
    void aRateBelowOneStillAllowsOneRequest()
    {
        assertThat(throttle.tryAcquire("trickle")).isTrue();
        assertThat(throttle.tryAcquire("trickle")).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(throttle.tryAcquire("trickle")).isTrue();
    }

    @Test
    void accountsHaveTheirOwnBucketsAndZeroIsUnlimited()
    {
        throttle.tryAcquire("slow");
        throttle.tryAcquire("slow");
        assertThat(throttle.tryAcquire("slow")).isFalse();
        for (int i = 0; i < 1000; i++) {
            assertThat(throttle.tryAcquire("free")).isTrue();
        }
        rates.put("other", 1.0);
        assertThat(throttle.tryAcquire("other")).isTrue();
    }
}
