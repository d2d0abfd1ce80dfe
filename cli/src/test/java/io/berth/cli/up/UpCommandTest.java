package io.berth.cli.up;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpCommandTest
{
    private final UpCommand up = new UpCommand();
    private final CommandLine commandLine = new CommandLine(up);

    @Test
    void subnetIsTheTaskCidr()
    {
        commandLine.parseArgs();
        assertThat(up.effectiveTaskCidr()).isEqualTo("10.213.0.0/16");
        commandLine.parseArgs("--subnet", "10.60.0.0/16");
        assertThat(up.effectiveTaskCidr()).isEqualTo("10.60.0.0/16");
        commandLine.parseArgs("--task-cidr", "10.61.0.0/16");
        assertThat(up.effectiveTaskCidr()).isEqualTo("10.61.0.0/16");
        commandLine.parseArgs("--task-cidr", "10.62.0.0/16", "--subnet", "10.62.0.0/16");
        assertThat(up.effectiveTaskCidr()).isEqualTo("10.62.0.0/16");
    }

    @Test
    void taskCidrAndSubnetMustAgree()
    {
        commandLine.parseArgs("--task-cidr", "10.61.0.0/16", "--subnet", "10.60.0.0/16");
        assertThatThrownBy(up::effectiveTaskCidr)
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--task-cidr 10.61.0.0/16 and --subnet 10.60.0.0/16 disagree");
    }

    @Test
    void hostPrefixIsChecked()
    {
        commandLine.parseArgs("--subnet", "10.60.0.0/24", "--host-prefix", "24");
        assertThatThrownBy(() -> up.controlPlane.taskNetwork(up.effectiveTaskCidr()))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("must be longer than the task CIDR's /24");
    }
}
