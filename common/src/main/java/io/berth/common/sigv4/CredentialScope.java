package io.berth.common.sigv4;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static java.util.Objects.requireNonNull;

/** The "yyyyMMdd/region/service/aws4_request" part of a signature: which day, region and service it is valid for. */
public record CredentialScope(String date, String region, String service)
{
    public static final String TERMINATOR = "aws4_request";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    public CredentialScope
    {
        requireNonNull(date, "date is null");
        requireNonNull(region, "region is null");
        requireNonNull(service, "service is null");
    }

    public static CredentialScope of(Instant time, String region, String service)
    {
        return new CredentialScope(DATE.format(time), region, service);
    }

    /** The scope as it appears in the Authorization header and the string to sign. */
    public String format()
    {
        return date + "/" + region + "/" + service + "/" + TERMINATOR;
    }
}
