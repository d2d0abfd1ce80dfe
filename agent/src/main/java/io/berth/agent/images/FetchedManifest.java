package io.berth.agent.images;

import static java.util.Objects.requireNonNull;

/** A manifest or index as the registry served it; {@code digest} is the sha256 of exactly these bytes. */
public record FetchedManifest(String mediaType, Digest digest, byte[] content)
{
    public FetchedManifest
    {
        requireNonNull(mediaType, "mediaType is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(content, "content is null");
    }
}
