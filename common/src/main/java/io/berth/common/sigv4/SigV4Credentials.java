package io.berth.common.sigv4;

import static java.util.Objects.requireNonNull;

/** An access key id and its secret: what signs a request. */
public record SigV4Credentials(String accessKeyId, String secretAccessKey)
{
    public SigV4Credentials
    {
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(secretAccessKey, "secretAccessKey is null");
    }

    @Override
    public String toString()
    {
        // never print the secret
        return "SigV4Credentials[" + accessKeyId + "]";
    }
}
