package io.berth.agent.images;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people write them: 10GiB, 500MiB, 64KiB, 1TiB, or a plain number of bytes (binary units only, so "GB" is refused rather than guessed). */
public final class ByteSizes
{
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB|TiB)");
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private ByteSizes() {}

    public static long parse(String text)
    {
        Matcher matcher = SIZE.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid size \"%s\": use e.g. 10GiB, 500MiB or a number of bytes".formatted(text));
        }
        int shift = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 0;
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> 40;
        };
        long amount = Long.parseLong(matcher.group(1));
        if (amount <= 0 || amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("invalid size \"%s\": must be positive and below 8 EiB".formatted(text));
        }
        return amount << shift;
    }

    /** The largest unit that shows the value exactly (10GiB, 1536MiB), so a message names the limit as it was set. */
    public static String format(long bytes)
    {
        int unit = 0;
        while (unit < UNITS.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return bytes + " " + UNITS[unit];
    }
}
