package io.berth.agent.images;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what garbage collection removes from the image store, as a pure function of what the store holds: the
 * images with their last use, the size of each blob and unpacked layer on disk, and the images tasks use. Nothing is
 * removed while the store is within its size. Past it, content no image references goes first, then images not in
 * use, least recently used first, until the store is back within its size; an image's layers and blobs go with it
 * unless a kept image shares them. An image in use, and everything it references, always stays.
 */
public final class ImageCollectionPlanner
{
    private ImageCollectionPlanner() {}

    /**
     * @param blobSizes every blob in the content store and its bytes
     * @param layerSizes every unpacked layer (by diff id) and its bytes
     */
    public static ImageCollectionPlan plan(List<ImageRecord> images, Map<Digest, Long> blobSizes, Map<Digest, Long> layerSizes, InUseImages inUse, long maxBytes)
    {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the image store size must be positive");
        }
        long total = sum(blobSizes.values()) + sum(layerSizes.values());
        if (total <= maxBytes) {
            return new ImageCollectionPlan(List.of(), total, total, maxBytes);
        }
        Map<Digest, Integer> blobReferences = new HashMap<>();
        Map<Digest, Integer> layerReferences = new HashMap<>();
        for (ImageRecord image : images) {
            image.blobs().forEach(blob -> blobReferences.merge(blob, 1, Integer::sum));
            image.layers().forEach(layer -> layerReferences.merge(layer, 1, Integer::sum));
        }
        // a task's manifest is its image even when no record says so yet
        inUse.manifestDigests().forEach(digest -> blobReferences.merge(digest, 1, Integer::sum));

        List<ImageCollectionPlan.Removal> removals = new ArrayList<>();
        long remaining = total;
        Set<Digest> unreferencedLayers = unreferenced(layerSizes, layerReferences);
        Set<Digest> unreferencedBlobs = unreferenced(blobSizes, blobReferences);
        if (!unreferencedLayers.isEmpty() || !unreferencedBlobs.isEmpty()) {
            long bytes = sizeOf(unreferencedLayers, layerSizes) + sizeOf(unreferencedBlobs, blobSizes);
            removals.add(new ImageCollectionPlan.Removal(Optional.empty(), unreferencedLayers, unreferencedBlobs, bytes));
            remaining -= bytes;
        }
        List<ImageRecord> leastRecentlyUsedFirst = images.stream()
                .filter(image -> !inUse.uses(image))
                .sorted(Comparator.comparing(ImageRecord::lastUsed).thenComparing(image -> image.manifestDigest().hex()))
                .toList();
        for (ImageRecord image : leastRecentlyUsedFirst) {
            if (remaining <= maxBytes) {
                break;
            }
            Set<Digest> freedLayers = release(image.layers(), layerReferences, layerSizes);
            Set<Digest> freedBlobs = release(image.blobs(), blobReferences, blobSizes);
            long bytes = sizeOf(freedLayers, layerSizes) + sizeOf(freedBlobs, blobSizes);
            removals.add(new ImageCollectionPlan.Removal(Optional.of(image), freedLayers, freedBlobs, bytes));
            remaining -= bytes;
        }
        return new ImageCollectionPlan(removals, total, remaining, maxBytes);
    }

    private static Set<Digest> unreferenced(Map<Digest, Long> present, Map<Digest, Integer> references)
    {
        Set<Digest> unreferenced = new HashSet<>();
        for (Digest digest : present.keySet()) {
            if (!references.containsKey(digest)) {
                unreferenced.add(digest);
            }
        }
        return unreferenced;
    }

    /** Drops one reference of each; returns those present on disk that nothing references any more. */
    private static Set<Digest> release(Set<Digest> digests, Map<Digest, Integer> references, Map<Digest, Long> present)
    {
        Set<Digest> freed = new HashSet<>();
        for (Digest digest : digests) {
            Integer left = references.merge(digest, -1, Integer::sum);
            if (left != null && left <= 0) {
                references.remove(digest);
                if (present.containsKey(digest)) {
                    freed.add(digest);
                }
            }
        }
        return freed;
    }

    private static long sizeOf(Set<Digest> digests, Map<Digest, Long> sizes)
    {
        return digests.stream().mapToLong(sizes::get).sum();
    }

    private static long sum(Iterable<Long> values)
    {
        long total = 0;
        for (long value : values) {
            total += value;
        }
        return total;
    }
}
