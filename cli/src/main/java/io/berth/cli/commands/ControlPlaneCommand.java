package io.berth.cli.commands;

import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * A command that calls the control plane: it takes the --endpoint/--region options and connects with the
 * client factory {@link BerthCommandFactory} gives it, so tests can hand every command a fake control plane.
 */
abstract class ControlPlaneCommand
        implements Callable<Integer>
{
    private final BerthClientFactory clients;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    ControlPlaneCommand(BerthClientFactory clients)
    {
        this.clients = requireNonNull(clients, "clients is null");
    }

    /** A client for the control plane the options name; the caller closes it. */
    BerthClient connect()
    {
        return clients.connect(connection.endpoint(), connection.region());
    }
}
