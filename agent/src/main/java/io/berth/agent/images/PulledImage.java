package io.berth.agent.images;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An image ready to run: its manifest digest, its config, and its unpacked layer directories, lowest
 * (base) layer first.
 */
public record PulledImage(String reference, String manifestDigest, ImageConfig config, List<Path> layers)
{
    public PulledImage
    {
        requireNonNull(reference, "reference is null");
        requireNonNull(manifestDigest, "manifestDigest is null");
        requireNonNull(config, "config is null");
        layers = List.copyOf(layers);
    }
}
