package io.berth.controlplane.tasks;

import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkConfigurationRulesTest
{
    @Test
    void anAwsvpcTaskNeedsAnAwsvpcConfigurationWithSubnets()
    {
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", Map.of()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of("subnets", List.of())))).hasMessage("subnets can not be empty.");
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of()))).hasMessage("subnets can not be empty.");
        assertThatCode(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of("subnets", List.of("subnet-1"), "assignPublicIp", "ENABLED"))))
                .doesNotThrowAnyException();
    }

    @Test
    void limitsAndUnknownFieldsAreRefused()
    {
        List<String> seventeen = java.util.stream.IntStream.range(0, 17).mapToObj(i -> "subnet-" + i).toList();
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of("subnets", seventeen)))).hasMessageContaining("At most 16 subnets");
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of("subnets", List.of("s"), "securityGroups", List.of("1", "2", "3", "4", "5", "6")))))
                .hasMessageContaining("At most 5 securityGroups");
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of("subnets", List.of("s"), "assignPublicIp", "MAYBE"))))
                .hasMessageContaining("ENABLED or DISABLED");
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of("subnets", "subnet-1")))).hasMessageContaining("list of strings");
        assertThatThrownBy(() -> NetworkConfigurationRules.check("awsvpc", awsvpc(Map.of("subnets", List.of("s"), "vpc", "x")))).hasMessageContaining("'vpc'");
    }

    private static Map<String, Object> awsvpc(Map<String, Object> configuration)
    {
        return Map.of("awsvpcConfiguration", configuration);
    }
}
