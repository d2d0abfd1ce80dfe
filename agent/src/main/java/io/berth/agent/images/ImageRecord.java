package io.berth.agent.images;

import java.time.Instant;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What the image store knows of one pulled image, kept on disk so that it survives agent restarts: the manifest
 * digest it was pulled as (an index's digest for a multi-platform image), the references that last resolved to
 * it, every blob it keeps in the content store (manifests, config, compressed layers), the diff ids of its
 * unpacked layers, and when a pull or a task start last used it.
 */
public record ImageRecord(Digest manifestDigest, Set<String> references, Set<Digest> blobs, Set<Digest> layers, Instant lastUsed)
{
    public ImageRecord
    {
        requireNonNull(manifestDigest, "manifestDigest is null");
        references = Set.copyOf(references);
        blobs = Set.copyOf(blobs);
        layers = Set.copyOf(layers);
        requireNonNull(lastUsed, "lastUsed is null");
    }

    public ImageRecord withReferences(Set<String> newReferences)
    {
        return new ImageRecord(manifestDigest, newReferences, blobs, layers, lastUsed);
    }

    /** The first reference in sort order, or the digest: how an operator line names the image. */
    public String name()
    {
        return references.stream().sorted().findFirst().orElse(manifestDigest.toString());
    }
}
