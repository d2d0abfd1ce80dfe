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
    void subnetIsTheTaskCidrsOlderName()
    {
        commandLine.parseArgs();
        assertThat(up.taskCidr).isEqualTo("10.213.0.0/16");
        commandLine.parseArgs("--subnet", "10.60.0.0/16");
        assertThat(up.taskCidr).isEqualTo("10.60.0.0/16");
        commandLine.parseArgs("--task-cidr", "10.61.0.0/16");
        assertThat(up.taskCidr).isEqualTo("10.61.0.0/16");
    }

    @Test
    void theOneHostMayHoldTheWholeTaskCidr()
    {
        commandLine.parseArgs("--subnet", "10.60.0.0/24", "--host-prefix", "24");
        up.controlPlane.taskNetwork(up.taskCidr);
    }

    @Test
    void hostPrefixIsChecked()
    {
        commandLine.parseArgs("--subnet", "10.60.0.0/24", "--host-prefix", "23");
        assertThatThrownBy(() -> up.controlPlane.taskNetwork(up.taskCidr))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("must not be shorter than the task CIDR's /24");
    }
}
