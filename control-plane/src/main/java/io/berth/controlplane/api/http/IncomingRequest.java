package io.berth.controlplane.api.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP request as it arrived, before any interpretation: what SigV4 verification needs.
 *
 * @param rawPath the path as sent, still percent-encoded
 * @param rawQuery the query as sent, still percent-encoded, or null
 * @param headers header values by lower-case name
 */
record IncomingRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body)
{
    IncomingRequest
    {
        requireNonNull(method, "method is null");
        requireNonNull(rawPath, "rawPath is null");
        headers = Map.copyOf(headers);
        requireNonNull(body, "body is null");
    }

    Optional<String> header(String lowerCaseName)
    {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
