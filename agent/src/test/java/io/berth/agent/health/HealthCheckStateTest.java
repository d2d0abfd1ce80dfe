package io.berth.agent.health;

import io.berth.common.agentprotocol.ContainerHealthCheck;
import io.berth.common.agentprotocol.HealthStatus;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The status a container's checks add up to, driven by a test clock that moves as the checks would. */
class HealthCheckStateTest
{
    private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00Z");
    private static final ContainerHealthCheck CHECK = new ContainerHealthCheck(List.of("CMD", "true"), 5, 2, 3, 0);
    private static final ContainerHealthCheck WITH_START_PERIOD = new ContainerHealthCheck(List.of("CMD", "true"), 5, 2, 2, 20);

    private Clock clock = Clock.fixed(STARTED, ZoneOffset.UTC);

    private Instant next()
    {
        clock = Clock.offset(clock, Duration.ofSeconds(5));
        return clock.instant();
    }

    @Test
    void unknownUntilTheFirstPassThenHealthy()
    {
        HealthCheckState state = HealthCheckState.starting(clock.instant());
        assertThat(state.status()).isEqualTo(HealthStatus.UNKNOWN);

        state = state.afterCheck(CHECK, true, next());

        assertThat(state.status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void unhealthyAfterRetriesConsecutiveFailures()
    {
        HealthCheckState state = HealthCheckState.starting(clock.instant()).afterCheck(CHECK, true, next());

        state = state.afterCheck(CHECK, false, next()).afterCheck(CHECK, false, next());
        assertThat(state.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(state.consecutiveFailures()).isEqualTo(2);

        state = state.afterCheck(CHECK, false, next());
        assertThat(state.status()).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void aPassResetsTheFailuresAndTurnsAnUnhealthyContainerHealthy()
    {
        HealthCheckState state = HealthCheckState.starting(clock.instant())
                .afterCheck(CHECK, false, next()).afterCheck(CHECK, false, next()).afterCheck(CHECK, true, next())
                .afterCheck(CHECK, false, next()).afterCheck(CHECK, false, next());
        assertThat(state.status()).isEqualTo(HealthStatus.HEALTHY);

        state = state.afterCheck(CHECK, false, next());
        assertThat(state.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(state.afterCheck(CHECK, true, next()).status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void failuresWithinTheStartPeriodDoNotCount()
    {
        HealthCheckState state = HealthCheckState.starting(clock.instant());
        for (int check = 0; check < 3; check++) {
            state = state.afterCheck(WITH_START_PERIOD, false, next());
        }
        assertThat(clock.instant()).isEqualTo(STARTED.plusSeconds(15));
        assertThat(state.status()).isEqualTo(HealthStatus.UNKNOWN);
        assertThat(state.consecutiveFailures()).isZero();

        state = state.afterCheck(WITH_START_PERIOD, false, next());
        state = state.afterCheck(WITH_START_PERIOD, false, next());

        assertThat(state.status()).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void onceACheckHasPassedTheStartPeriodNoLongerForgivesFailures()
    {
        HealthCheckState state = HealthCheckState.starting(clock.instant())
                .afterCheck(WITH_START_PERIOD, true, next())
                .afterCheck(WITH_START_PERIOD, false, next())
                .afterCheck(WITH_START_PERIOD, false, next());

        assertThat(clock.instant()).isBefore(STARTED.plus(WITH_START_PERIOD.startPeriod()));
        assertThat(state.status()).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void aResumedContainerKeepsItsRecordedStatus()
    {
        assertThat(HealthCheckState.resumed(HealthStatus.HEALTHY, clock.instant()).status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(HealthCheckState.resumed(null, clock.instant()).status()).isEqualTo(HealthStatus.UNKNOWN);
        // a container that had passed is not given a new start period
        HealthCheckState healthy = HealthCheckState.resumed(HealthStatus.HEALTHY, clock.instant());
        assertThat(healthy.afterCheck(WITH_START_PERIOD, false, next()).afterCheck(WITH_START_PERIOD, false, next()).status()).isEqualTo(HealthStatus.UNHEALTHY);
    }
}
