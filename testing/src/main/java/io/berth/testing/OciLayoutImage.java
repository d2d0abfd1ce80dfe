package io.berth.testing;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An image written as an OCI image layout directory. {@code manifestDigest} is what {@code index.json} points
 * at for {@code tag} (an index for a multi-arch image); the config and layers are those of the linux/amd64 image.
 */
public record OciLayoutImage(Path layout, String tag, String manifestDigest, String configDigest, List<String> layerDigests, List<String> diffIds)
{
    public OciLayoutImage
    {
        requireNonNull(layout, "layout is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(manifestDigest, "manifestDigest is null");
        requireNonNull(configDigest, "configDigest is null");
        layerDigests = List.copyOf(layerDigests);
        diffIds = List.copyOf(diffIds);
    }
}
