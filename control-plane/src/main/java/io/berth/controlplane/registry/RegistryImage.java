package io.berth.controlplane.registry;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One image (a manifest) in a repository, as the registry holds it: its digest, the tags that point at it, the
 * bytes of its config and layers (for an index, of the index and the manifests it lists) and its media type.
 */
public record RegistryImage(String digest, List<String> tags, long sizeBytes, String manifestMediaType, String artifactMediaType)
{
    public RegistryImage
    {
        requireNonNull(digest, "digest is null");
        tags = List.copyOf(tags);
        requireNonNull(manifestMediaType, "manifestMediaType is null");
    }
}
