package io.berth.cli.client;

import io.berth.common.sigv4.SigV4Credentials;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the control plane is, whose keys sign, the region to sign for, and caBundle: further CAs (PEM) to trust an
 * https:// endpoint by, beside the system's (null: the system's alone); `berth server` writes its cluster CA's path to
 * berth.env as AWS_CA_BUNDLE, which the AWS CLI reads too.
 */
public record BerthClientConfig(URI endpoint, SigV4Credentials credentials, String region, Path caBundle)
{
    /** Where `berth up` listens unless told otherwise. */
    public static final String DEFAULT_ENDPOINT = "https://127.0.0.1:8686";
    public static final String DEFAULT_REGION = "us-east-1";

    public BerthClientConfig
    {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(credentials, "credentials is null");
        requireNonNull(region, "region is null");
    }

    public BerthClientConfig(URI endpoint, SigV4Credentials credentials, String region)
    {
        this(endpoint, credentials, region, null);
    }

    /**
     * Reads the configuration as the AWS CLI would: BERTH_ENDPOINT (or AWS_ENDPOINT_URL), AWS_ACCESS_KEY_ID,
     * AWS_SECRET_ACCESS_KEY, AWS_REGION (or AWS_DEFAULT_REGION), AWS_CA_BUNDLE. Explicit overrides (from command-line
     * options) win over the environment.
     *
     * @throws BerthClientException when the credentials are missing or the endpoint is not a URL
     */
    public static BerthClientConfig fromEnvironment(Map<String, String> environment, Optional<String> endpointOverride, Optional<String> regionOverride)
    {
        String endpoint = endpointOverride
                .or(() -> nonBlank(environment, "BERTH_ENDPOINT"))
                .or(() -> nonBlank(environment, "AWS_ENDPOINT_URL"))
                .orElse(DEFAULT_ENDPOINT);
        String region = regionOverride
                .or(() -> nonBlank(environment, "AWS_REGION"))
                .or(() -> nonBlank(environment, "AWS_DEFAULT_REGION"))
                .orElse(DEFAULT_REGION);
        String accessKeyId = nonBlank(environment, "AWS_ACCESS_KEY_ID").orElseThrow(() -> new BerthClientException(
                "AWS_ACCESS_KEY_ID is not set: export the access key that `berth up` or `berth account create` printed"));
        String secretAccessKey = nonBlank(environment, "AWS_SECRET_ACCESS_KEY").orElseThrow(() -> new BerthClientException(
                "AWS_SECRET_ACCESS_KEY is not set: export the secret that `berth up` or `berth account create` printed"));
        Path caBundle = nonBlank(environment, "AWS_CA_BUNDLE").map(Path::of).orElse(null);
        return new BerthClientConfig(parseEndpoint(endpoint), new SigV4Credentials(accessKeyId, secretAccessKey), region, caBundle);
    }

    static URI parseEndpoint(String endpoint)
    {
        URI uri;
        try {
            uri = URI.create(endpoint.strip());
        }
        catch (IllegalArgumentException e) {
            throw new BerthClientException("Berth endpoint '" + endpoint + "' is not a URL: use e.g. " + DEFAULT_ENDPOINT);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new BerthClientException("Berth endpoint '" + endpoint + "' must be an http:// or https:// URL, e.g. " + DEFAULT_ENDPOINT);
        }
        return uri;
    }

    private static Optional<String> nonBlank(Map<String, String> environment, String name)
    {
        return Optional.ofNullable(environment.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }
}
