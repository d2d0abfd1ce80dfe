package io.berth.common.sigv4;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the SigV4 canonical request: the exact bytes both sides hash, so both must build it the same way.
 * Follows the rules for every service but S3: the path is normalized and encoded a second time.
 */
public final class CanonicalRequest
{
    // compiled once: each signed header's value of every request goes through it (String.replaceAll compiled it each time)
    private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+");

    private static final Comparator<String[]> BY_NAME_THEN_VALUE = Comparator.<String[], String>comparing(pair -> pair[0]).thenComparing(pair -> pair[1]);

    private CanonicalRequest() {}

    /**
     * @param rawPath the path as sent on the wire (percent-encoded), empty for "/"
     * @param rawQuery the query as sent on the wire (percent-encoded), or null
     * @param headers the request's headers, names in lower case
     * @param signedHeaders lower-case names of the headers to include, in the order to include them
     * @param payloadHash hex SHA-256 of the body (or the x-amz-content-sha256 value)
     */
    public static String build(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, List<String> signedHeaders, String payloadHash)
    {
        StringBuilder canonical = new StringBuilder();
        canonical.append(method).append('\n');
        canonical.append(canonicalUri(rawPath)).append('\n');
        canonical.append(canonicalQuery(rawQuery)).append('\n');
        for (String name : signedHeaders) {
            List<String> values = headers.getOrDefault(name, List.of());
            canonical.append(name).append(':');
            canonical.append(String.join(",", values.stream().map(CanonicalRequest::normalizeHeaderValue).toList()));
            canonical.append('\n');
        }
        canonical.append('\n');
        canonical.append(String.join(";", signedHeaders)).append('\n');
        canonical.append(payloadHash);
        return canonical.toString();
    }

    static String canonicalUri(String rawPath)
    {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String normalized = rawPath;
        try {
            normalized = new URI(rawPath).normalize().getRawPath();
        }
        catch (URISyntaxException e) {
            // keep the path as sent; a broken path simply will not match any signature but its own
        }
        if (!normalized.startsWith("/")) {
            normalized = "/" + normalized;
        }
        return UriEncoding.encode(normalized, true);
    }

    static String canonicalQuery(String rawQuery)
    {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String parameter : rawQuery.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? "" : parameter.substring(equals + 1);
            pairs.add(new String[] {
                    UriEncoding.encode(UriEncoding.decode(name), false),
                    UriEncoding.encode(UriEncoding.decode(value), false)});
        }
        pairs.sort(BY_NAME_THEN_VALUE);
        return String.join("&", pairs.stream().map(pair -> pair[0] + "=" + pair[1]).toList());
    }

    /** Trims the value and collapses runs of whitespace to one space, as SigV4 requires. */
    static String normalizeHeaderValue(String value)
    {
        return WHITESPACE_RUN.matcher(value.strip()).replaceAll(" ");
    }
}
