package io.berth.controlplane.logs;

import java.util.List;
import java.util.regex.Pattern;

/** CloudWatch's rules for group and stream names, and the retention periods it accepts. */
public final class LogNames
{
    private static final Pattern GROUP = Pattern.compile("[.\\-_/#A-Za-z0-9]+");
    private static final int MAX_LENGTH = 512;
    /** The values PutRetentionPolicy accepts, in days. */
    public static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
            2922, 3288, 3653);

    private LogNames() {}

    public static String checkGroup(String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || !GROUP.matcher(name).matches()) {
            throw LogsException.invalid("1 validation error detected: Value '" + name + "' at 'logGroupName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ and have length between 1 and 512");
        }
        return name;
    }

    public static String checkStream(String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || name.contains(":") || name.contains("*")) {
            throw LogsException.invalid("1 validation error detected: Value '" + name + "' at 'logStreamName' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512");
        }
        return name;
    }

    public static int checkRetention(Integer days)
    {
        if (days == null || !RETENTION_DAYS.contains(days)) {
            throw LogsException.invalid("1 validation error detected: Value '" + days + "' at 'retentionInDays' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: " + RETENTION_DAYS);
        }
        return days;
    }
}
