package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.time.Duration;
import java.util.Locale;

/** Durations on the command line: 500ms, 90s, 30m, 1h, 2d. */
public final class Durations
{
    private Durations() {}

    public static Duration parse(CommandLine commandLine, String text)
    {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException();
            };
        }
        catch (RuntimeException e) {
            throw new ParameterException(commandLine, "invalid duration '" + text + "': use e.g. 90s, 30m, 1h");
        }
    }

    /** A rotation's --grace (null: the control plane's default) as the request's graceSeconds; a negative one is refused. */
    static void putGraceSeconds(CommandLine commandLine, String grace, ObjectNode request)
    {
        if (grace == null) {
            return;
        }
        Duration parsed = parse(commandLine, grace);
        if (parsed.isNegative()) {
            throw new ParameterException(commandLine, "--grace cannot be negative");
        }
        request.put("graceSeconds", parsed.toSeconds());
    }
}
