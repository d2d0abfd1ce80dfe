package io.berth.cli.commands;

import io.berth.cli.client.BerthClientFactory;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Creates the commands of this package with their collaborators, so the top-level command can list them by
 * class: {@code new CommandLine(new BerthCommand(), new BerthCommandFactory(clients, importer))}.
 */
public final class BerthCommandFactory
        implements IFactory
{
    private final IFactory fallback = CommandLine.defaultFactory();
    private final BerthClientFactory clients;
    private final Optional<ImageImport> imageImport;
    private final Clock clock;
    private final Interruptions interruptions;
    private final Map<String, String> callerEnvironment;

    public BerthCommandFactory(BerthClientFactory clients, Optional<ImageImport> imageImport, Clock clock)
    {
        this(clients, imageImport, clock, Interruptions.jvmShutdown(), System.getenv());
    }

    /** For a command run on behalf of another process (the CLI daemon): its interrupts and its environment. */
    public BerthCommandFactory(BerthClientFactory clients, Optional<ImageImport> imageImport, Clock clock, Interruptions interruptions,
            Map<String, String> callerEnvironment)
    {
        this.clients = requireNonNull(clients, "clients is null");
        this.imageImport = requireNonNull(imageImport, "imageImport is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.interruptions = requireNonNull(interruptions, "interruptions is null");
        this.callerEnvironment = Map.copyOf(callerEnvironment);
    }

    @Override
    public <K> K create(Class<K> type)
            throws Exception
    {
        Object command;
        if (type == RunCommand.class) {
            command = new RunCommand(clients, interruptions, callerEnvironment);
        }
        else if (type == PsCommand.class) {
            command = new PsCommand(clients, clock);
        }
        else if (type == LogsCommand.class) {
            command = new LogsCommand(clients);
        }
        else if (type == StopCommand.class) {
            command = new StopCommand(clients);
        }
        else if (type == AccountCreateCommand.class) {
            command = new AccountCreateCommand(clients);
        }
        else if (type == HostListCommand.class) {
            command = new HostListCommand(clients, clock);
        }
        else if (type == HostCordonCommand.class) {
            command = new HostCordonCommand(clients);
        }
        else if (type == HostUncordonCommand.class) {
            command = new HostUncordonCommand(clients);
        }
        else if (type == HostDrainCommand.class) {
            command = new HostDrainCommand(clients);
        }
        else if (type == HostInterruptSpotCommand.class) {
            command = new HostInterruptSpotCommand(clients);
        }
        else if (type == HostRemoveCommand.class) {
            command = new HostRemoveCommand(clients);
        }
        else if (type == AccountSetCommand.class) {
            command = new AccountSetCommand(clients);
        }
        else if (type == AccountSetEgressCommand.class) {
            command = new AccountSetEgressCommand(clients);
        }
        else if (type == ExplainCommand.class) {
            command = new ExplainCommand(clients);
        }
        else if (type == HostPatchCommand.class) {
            command = new HostPatchCommand(clients);
        }
        else if (type == HostRotateCommand.class) {
            command = new HostRotateCommand(clients);
        }
        else if (type == HostRotateCallKeyCommand.class) {
            command = new HostRotateCallKeyCommand(clients);
        }
        else if (type == HostUpgradeCommand.class) {
            command = new HostUpgradeCommand(clients);
        }
        else if (type == HostTokenCommand.class) {
            command = new HostTokenCommand(clients);
        }
        else if (type == BillCommand.class) {
            command = new BillCommand(clients);
        }
        else if (type == EventsCommand.class) {
            command = new EventsCommand(clients);
        }
        else if (type == ImagePublicCommand.class) {
            command = new ImagePublicCommand(clients);
        }
        else if (type == ImageImportCommand.class) {
            command = imageImport.map(ImageImportCommand::new).orElseGet(ImageImportCommand::new);
        }
        else {
            return fallback.create(type);
        }
        return type.cast(command);
    }
}
