package io.berth.agent.images;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What one garbage collection of the image store removes, in order: first content no image references, then
 * images least recently used first, each with the layers and blobs that no kept image shares. bytesAfter is what the
 * store holds once all of it is gone; it stays above maxBytes when what tasks use alone is larger.
 */
public record ImageCollectionPlan(List<Removal> removals, long bytesBefore, long bytesAfter, long maxBytes)
{
    public ImageCollectionPlan
    {
        removals = List.copyOf(removals);
    }

    public boolean isEmpty()
    {
        return removals.isEmpty();
    }

    /** One image (or, with no image, the content nothing references) and what removing it frees. */
    public record Removal(Optional<ImageRecord> image, Set<Digest> layers, Set<Digest> blobs, long bytes)
    {
        public Removal
        {
            requireNonNull(image, "image is null");
            layers = Set.copyOf(layers);
            blobs = Set.copyOf(blobs);
        }
    }
}
