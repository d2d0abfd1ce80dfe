package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/**
 * berth host drain HOST [--deadline 5m]: the host gets no new tasks; at the deadline its standalone tasks are
 * stopped ("Host HOST was drained for maintenance") and it stays cordoned and empty.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Drain a host: no new tasks, its spot tasks are interrupted now and its other tasks stopped at the deadline; then it stays cordoned.")
public final class HostDrainCommand
        extends HostStateChangeCommand
{
    @Option(names = "--deadline", defaultValue = "5m", description = "When to stop the host's tasks: 90s, 5m, 1h or seconds (default: ${DEFAULT-VALUE})")
    String deadline;

    public HostDrainCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        Duration parsed = parseDuration(deadline);
        ObjectNode body = Json.mapper().createObjectNode().put("deadlineSeconds", parsed.toSeconds());
        return changeState("drain", body, "is draining: its tasks stop in " + parsed.toSeconds() + " s unless they end before");
    }

    /** "90s", "5m", "1h", "300" (seconds). */
    static Duration parseDuration(String value)
    {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith("ms")) {
                throw new NumberFormatException();
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1).strip()));
            }
            if (text.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1).strip()));
            }
            if (text.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1).strip()));
            }
            return Duration.ofSeconds(Long.parseLong(text));
        }
        catch (NumberFormatException e) {
            throw new CommandFailedException("Deadline '" + value + "' is not a duration: use seconds (300) or a unit (90s, 5m, 1h)");
        }
    }
}
