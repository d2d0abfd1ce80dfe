package io.berth.cli.commands;

import io.berth.cli.client.BerthClientFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/** berth host cordon HOST (POST /berth/hosts/HOST/cordon). */
@Command(name = "cordon", mixinStandardHelpOptions = true, description = "Stop placing new tasks on a host; its tasks keep running.")
public final class HostCordonCommand
        implements Callable<Integer>
{
    private final BerthClientFactory clients;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Parameters(index = "0", paramLabel = "HOST", description = "Host id (see `berth host ls`)")
    String hostId;

    public HostCordonCommand()
    {
        this(BerthClientFactory.fromEnvironment());
    }

    public HostCordonCommand(BerthClientFactory clients)
    {
        this.clients = requireNonNull(clients, "clients is null");
    }

    @Override
    public Integer call()
    {
        HostStateCommand.print(spec.commandLine().getOut(), HostStateCommand.change(clients, connection, hostId, "cordon", null), "cordoned: it gets no new tasks");
        return 0;
    }
}
