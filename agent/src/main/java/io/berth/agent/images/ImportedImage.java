package io.berth.agent.images;

import static java.util.Objects.requireNonNull;

/** Where an imported image now lives: the reference to run it by, and the digest of what was pushed under it. */
public record ImportedImage(ImageReference reference, Digest manifestDigest)
{
    public ImportedImage
    {
        requireNonNull(reference, "reference is null");
        requireNonNull(manifestDigest, "manifestDigest is null");
    }
}
