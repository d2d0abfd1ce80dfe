package io.berth.cli.commands;

import java.time.Duration;
import java.time.Instant;

/** "5 seconds ago", "3 minutes ago", "2 hours ago", "4 days ago". */
public final class AgeFormat
{
    private AgeFormat() {}

    public static String ago(Instant then, Instant now)
    {
        Duration age = Duration.between(then, now);
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        if (age.toSeconds() < 60) {
            return plural(age.toSeconds(), "second");
        }
        if (age.toMinutes() < 60) {
            return plural(age.toMinutes(), "minute");
        }
        if (age.toHours() < 48) {
            return plural(age.toHours(), "hour");
        }
        return plural(age.toDays(), "day");
    }

    private static String plural(long count, String unit)
    {
        return count + " " + unit + (count == 1 ? "" : "s") + " ago";
    }
}
