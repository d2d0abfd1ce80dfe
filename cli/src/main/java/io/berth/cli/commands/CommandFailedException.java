package io.berth.cli.commands;

/** A command that cannot go on; the handler prints "berth: message" and exits with exitCode. */
public class CommandFailedException
        extends RuntimeException
{
    private final int exitCode;

    public CommandFailedException(String message)
    {
        this(message, 1);
    }

    public CommandFailedException(String message, int exitCode)
    {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode()
    {
        return exitCode;
    }
}
