package io.berth.common.sigv4;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Signs requests with AWS Signature Version 4 for one service, and computes the signature a verifier compares
 * against. The client and the server share {@link #signature}, so they cannot disagree on the algorithm.
 */
public final class SigV4Signer
{
    public static final String AMZ_DATE_HEADER = "X-Amz-Date";
    public static final String CONTENT_SHA256_HEADER = "X-Amz-Content-Sha256";
    public static final String AUTHORIZATION_HEADER = "Authorization";

    private final String service;
    private final boolean sendContentSha256;

    /**
     * @param service the signing name, e.g. "ecs"
     * @param sendContentSha256 whether to send (and sign) an X-Amz-Content-Sha256 header with the body hash
     */
    public SigV4Signer(String service, boolean sendContentSha256)
    {
        this.service = requireNonNull(service, "service is null");
        this.sendContentSha256 = sendContentSha256;
    }

    public String service()
    {
        return service;
    }

    /**
     * Signs a request. The Host header is derived from the URI (host, plus the port unless it is the scheme's
     * default), since HTTP clients set it themselves; every header given is signed.
     *
     * @param headers headers the request will carry, besides Host and the ones returned
     * @return the headers to add to the request: X-Amz-Date, X-Amz-Content-Sha256 (if enabled) and Authorization
     */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body, SigV4Credentials credentials, String region, Instant time)
    {
        requireNonNull(method, "method is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(body, "body is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(region, "region is null");

        String amzDate = AmzDate.format(time);
        String payloadHash = Hashing.sha256Hex(body);

        Map<String, String> added = new LinkedHashMap<>();
        added.put(AMZ_DATE_HEADER, amzDate);
        if (sendContentSha256) {
            added.put(CONTENT_SHA256_HEADER, payloadHash);
        }

        Map<String, List<String>> canonicalHeaders = new TreeMap<>();
        canonicalHeaders.put("host", List.of(hostHeader(uri)));
        headers.forEach((name, value) -> canonicalHeaders.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        added.forEach((name, value) -> canonicalHeaders.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        List<String> signedHeaders = new ArrayList<>(canonicalHeaders.keySet());

        CredentialScope scope = CredentialScope.of(time, region, service);
        String canonicalRequest = CanonicalRequest.build(method, uri.getRawPath(), uri.getRawQuery(), canonicalHeaders, signedHeaders, payloadHash);
        String signature = signature(credentials.secretAccessKey(), scope, amzDate, canonicalRequest);

        added.put(AUTHORIZATION_HEADER, new AuthorizationHeader(credentials.accessKeyId(), scope, signedHeaders, signature).format());
        return added;
    }

    /** The hex signature of a canonical request (see {@link CanonicalRequest#build}). */
    public static String signature(String secretAccessKey, CredentialScope scope, String amzDate, String canonicalRequest)
    {
        String stringToSign = AuthorizationHeader.ALGORITHM + "\n"
                + amzDate + "\n"
                + scope.format() + "\n"
                + Hashing.sha256Hex(canonicalRequest);
        return Hashing.hex(Hashing.hmacSha256(signingKey(secretAccessKey, scope), stringToSign));
    }

    static byte[] signingKey(String secretAccessKey, CredentialScope scope)
    {
        byte[] dateKey = Hashing.hmacSha256(("AWS4" + secretAccessKey).getBytes(UTF_8), scope.date());
        byte[] regionKey = Hashing.hmacSha256(dateKey, scope.region());
        byte[] serviceKey = Hashing.hmacSha256(regionKey, scope.service());
        return Hashing.hmacSha256(serviceKey, CredentialScope.TERMINATOR);
    }

    static String hostHeader(URI uri)
    {
        String host = uri.getHost();
        int port = uri.getPort();
        boolean defaultPort = port == -1
                || (port == 80 && "http".equalsIgnoreCase(uri.getScheme()))
                || (port == 443 && "https".equalsIgnoreCase(uri.getScheme()));
        return defaultPort ? host : host + ":" + port;
    }
}
