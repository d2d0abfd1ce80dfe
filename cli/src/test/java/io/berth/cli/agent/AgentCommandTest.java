package io.berth.cli.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgentCommandTest
{
    @TempDir
    Path directory;

    @Test
    void subnetIsRefusedWithWhereAddressesComeFromNow()
    {
        StringWriter errors = new StringWriter();
        CommandLine command = new CommandLine(new AgentCommand()).setErr(new PrintWriter(errors));

        int exit = command.execute("--data-dir", directory.toString(), "--subnet", "10.213.0.0/16");

        assertThat(exit).isNotZero();
        assertThat(errors.toString()).contains("no longer takes --subnet").contains("berth server --task-cidr");
    }

    @Test
    void advertiseAddressAndItsOldNameSetTheSameOption()
    {
        AgentCommand agent = new AgentCommand();
        new CommandLine(agent).parseArgs("--advertise-address", "10.0.0.5");
        assertThat(agent.address).isEqualTo("10.0.0.5");

        AgentCommand old = new AgentCommand();
        new CommandLine(old).parseArgs("--address", "10.0.0.6");
        assertThat(old.address).isEqualTo("10.0.0.6");
    }

    @Test
    void maxImageSizeIsCheckedBeforeAnythingStarts()
    {
        StringWriter errors = new StringWriter();
        CommandLine command = new CommandLine(new AgentCommand()).setErr(new PrintWriter(errors));

        int exit = command.execute("--data-dir", directory.toString(), "--max-image-size", "10GB");

        assertThat(exit).isNotZero();
        assertThat(errors.toString()).contains("invalid size \"10GB\": use e.g. 10GiB, 500MiB or a number of bytes");
    }

    @Test
    void imageStoreSizeIsCheckedBeforeAnythingStarts()
    {
        StringWriter errors = new StringWriter();
        CommandLine command = new CommandLine(new AgentCommand()).setErr(new PrintWriter(errors));

        int exit = command.execute("--data-dir", directory.toString(), "--image-store-size", "20GB");

        assertThat(exit).isNotZero();
        assertThat(errors.toString()).contains("invalid size \"20GB\": use e.g. 10GiB, 500MiB or a number of bytes");
    }

    @Test
    void aBadOvercommitIsRefusedBeforeAnythingStarts()
    {
        StringWriter errors = new StringWriter();
        CommandLine command = new CommandLine(new AgentCommand()).setErr(new PrintWriter(errors));

        int exit = command.execute("--data-dir", directory.toString(), "--cpu-overcommit", "0");

        assertThat(exit).isNotZero();
        assertThat(errors.toString()).contains("the cpu overcommit must be a factor above 0");
    }

    @Test
    void joinTakesSeveralControlPlanesAndTheAgentTalksToTheFirstAndKnowsTheOthers()
    {
        AgentCommand agent = new AgentCommand();
        new CommandLine(agent).parseArgs("--join", "http://10.0.0.1:8686,http://10.0.0.2:8686", "--join", "http://10.0.0.3:8686");
        AgentNodeConfig config = AgentNodeConfig.defaults(directory).withControlPlanes(agent.controlPlanes, "token");

        assertThat(config.controlPlane()).isEqualTo(URI.create("http://10.0.0.1:8686"));
        assertThat(config.otherControlPlanes()).containsExactly(URI.create("http://10.0.0.2:8686"), URI.create("http://10.0.0.3:8686"));
        assertThat(config.joinToken()).isEqualTo("token");
        assertThat(AgentNodeConfig.defaults(directory).withControlPlanes(List.of(), null).controlPlane()).as("none given: the one joined before").isNull();
    }
}
