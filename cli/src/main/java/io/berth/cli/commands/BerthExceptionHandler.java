package io.berth.cli.commands;

import io.berth.agent.link.ControlPlaneRefusedException;
import io.berth.cli.client.BerthClientException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns any failure of a command into one line "berth: message" on stderr and a non-zero exit code; users
 * never see a stack trace. Set BERTH_DEBUG=1 to get one anyway.
 */
public final class BerthExceptionHandler
        implements IExecutionExceptionHandler
{
    private final boolean debug;

    public BerthExceptionHandler()
    {
        this(System.getenv("BERTH_DEBUG") != null);
    }

    /** debug: print the stack trace too (BERTH_DEBUG set in the caller's environment). */
    public BerthExceptionHandler(boolean debug)
    {
        this.debug = debug;
    }

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult)
    {
        String message = switch (exception) {
            case BerthClientException e -> e.getMessage();
            case CommandFailedException e -> e.getMessage();
            // what `berth up`, `berth server` and `berth agent` raise at start carries a message written for users
            case ControlPlaneRefusedException e -> e.getMessage();
            case UncheckedIOException e -> e.getMessage() != null && !e.getMessage().equals(String.valueOf(e.getCause())) ? e.getMessage() : messageOf(e.getCause());
            case IOException e -> messageOf(e);
            default -> "unexpected error: " + exception;
        };
        commandLine.getErr().println("berth: " + message);
        if (debug) {
            exception.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return exception instanceof CommandFailedException failed ? failed.exitCode() : 1;
    }

    private static String messageOf(Exception exception)
    {
        return exception.getMessage() == null ? exception.toString() : exception.getMessage();
    }
}
