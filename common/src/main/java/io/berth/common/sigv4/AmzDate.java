package io.berth.common.sigv4;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The basic ISO 8601 time SigV4 uses in X-Amz-Date and the string to sign: 20260101T120000Z. */
public final class AmzDate
{
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private AmzDate() {}

    public static String format(Instant time)
    {
        return FORMAT.format(time);
    }

    public static Optional<Instant> parse(String value)
    {
        try {
            return Optional.of(Instant.from(FORMAT.parse(value)));
        }
        catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
