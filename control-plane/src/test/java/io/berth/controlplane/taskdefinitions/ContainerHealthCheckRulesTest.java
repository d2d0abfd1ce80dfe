package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.ContainerHealthCheck;
import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerHealthCheckRulesTest
{
    private static ContainerDefinition container(Object healthCheck)
    {
        Map<String, Object> other = new HashMap<>();
        other.put("healthCheck", healthCheck);
        return new ContainerDefinition("web", "image", null, null, null, true, null, null, null, null, null, null, other);
    }

    private static Map<String, Object> check(Object... fields)
    {
        Map<String, Object> check = new HashMap<>();
        check.put("command", List.of("CMD-SHELL", "true"));
        for (int i = 0; i < fields.length; i += 2) {
            check.put((String) fields[i], fields[i + 1]);
        }
        return check;
    }

    @Test
    void fillsInEcsDefaults()
    {
        assertThat(ContainerHealthCheckRules.healthCheck(container(check())))
                .isEqualTo(new ContainerHealthCheck(List.of("CMD-SHELL", "true"), 30, 5, 3, 0));
    }

    @Test
    void takesEveryField()
    {
        assertThat(ContainerHealthCheckRules.healthCheck(container(check("interval", 5, "timeout", 2, "retries", 10, "startPeriod", BigInteger.valueOf(300)))))
                .isEqualTo(new ContainerHealthCheck(List.of("CMD-SHELL", "true"), 5, 2, 10, 300));
    }

    @Test
    void aContainerWithoutACheckHasNone()
    {
        assertThat(ContainerHealthCheckRules.healthCheck(new ContainerDefinition("web", "image", null, null, null, true, null, null, null, null, null, null, Map.of())))
                .isNull();
    }

    @Test
    void refusesValuesOutsideEcsLimits()
    {
        assertRefused(check("interval", 4), "'healthCheck.interval' must be a whole number from 5 to 300 seconds, got 4.");
        assertRefused(check("interval", 301), "'healthCheck.interval' must be a whole number from 5 to 300 seconds, got 301.");
        assertRefused(check("timeout", 1), "'healthCheck.timeout' must be a whole number from 2 to 60 seconds, got 1.");
        assertRefused(check("timeout", 61), "'healthCheck.timeout' must be a whole number from 2 to 60 seconds, got 61.");
        assertRefused(check("retries", 0), "'healthCheck.retries' must be a whole number from 1 to 10, got 0.");
        assertRefused(check("retries", 11), "'healthCheck.retries' must be a whole number from 1 to 10, got 11.");
        assertRefused(check("startPeriod", -1), "'healthCheck.startPeriod' must be a whole number from 0 to 300 seconds, got -1.");
        assertRefused(check("startPeriod", 301), "'healthCheck.startPeriod' must be a whole number from 0 to 300 seconds, got 301.");
        assertRefused(check("interval", "30"), "'healthCheck.interval' must be a whole number from 5 to 300 seconds, got 30.");
    }

    @Test
    void refusesACommandWithoutCmdOrCmdShell()
    {
        assertRefused(Map.of("command", List.of("curl -f http://localhost/")), "'healthCheck.command' must start with CMD");
        assertRefused(Map.of("command", List.of("CMD")), "'healthCheck.command' needs what to run after CMD.");
        assertRefused(Map.of("interval", 30), "'healthCheck.command' is required");
        assertRefused(check("unknown", 1), "unknown field 'healthCheck.unknown'");
    }

    @Test
    void describesWithDefaultsAndWithoutAStartPeriodNotGiven()
    {
        assertThat(ContainerHealthCheckRules.described(container(check())))
                .containsExactly(Map.entry("command", List.of("CMD-SHELL", "true")), Map.entry("interval", 30), Map.entry("timeout", 5), Map.entry("retries", 3));
        assertThat(ContainerHealthCheckRules.described(container(check("startPeriod", 10)))).containsEntry("startPeriod", 10);
    }

    private static void assertRefused(Object healthCheck, String message)
    {
        assertThatThrownBy(() -> ContainerHealthCheckRules.healthCheck(container(healthCheck)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Container 'web': ")
                .hasMessageContaining(message);
    }
}
