package io.berth.cli.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** berth account: groups the account subcommands. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts (operator only).",
        subcommands = {AccountCreateCommand.class, AccountSetCommand.class, AccountSetEgressCommand.class})
public final class AccountCommand
        implements Runnable
{
    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: use `berth account create NAME [--isolation container|sandbox]`, `berth account set ACCOUNT [--max-vcpu N] [--max-tasks N] [--max-waiting N] [--rate RPS] [--isolation container|sandbox]` or `berth account set-egress ACCOUNT --deny-all | --allow CIDR... | --allow-all`");
    }
}
