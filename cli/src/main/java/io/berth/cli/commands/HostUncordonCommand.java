package io.berth.cli.commands;

import io.berth.cli.client.BerthClientFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/** berth host uncordon HOST (POST /berth/hosts/HOST/uncordon). */
@Command(name = "uncordon", mixinStandardHelpOptions = true, description = "Let a cordoned or draining host take new tasks again.")
public final class HostUncordonCommand
        implements Callable<Integer>
{
    private final BerthClientFactory clients;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Parameters(index = "0", paramLabel = "HOST", description = "Host id (see `berth host ls`)")
    String hostId;

    public HostUncordonCommand()
    {
        this(BerthClientFactory.fromEnvironment());
    }

    public HostUncordonCommand(BerthClientFactory clients)
    {
        this.clients = requireNonNull(clients, "clients is null");
    }

    @Override
    public Integer call()
    {
        HostStateCommand.print(spec.commandLine().getOut(), HostStateCommand.change(clients, connection, hostId, "uncordon", null), "uncordoned: it takes new tasks again");
        return 0;
    }
}
