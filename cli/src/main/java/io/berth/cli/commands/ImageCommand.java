package io.berth.cli.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** berth image: groups the image subcommands. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage images.", subcommands = {ImageImportCommand.class, ImagePublicCommand.class})
public final class ImageCommand
        implements Runnable
{
    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: use `berth image import FILE` or `berth image public REPOSITORY`");
    }
}
