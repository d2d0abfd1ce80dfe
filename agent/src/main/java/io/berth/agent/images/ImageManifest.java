package io.berth.agent.images;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** An image manifest (Docker schema 2 or OCI): one config blob and the layer blobs, base layer first. */
public record ImageManifest(Descriptor config, List<Descriptor> layers)
{
    public ImageManifest
    {
        requireNonNull(config, "config is null");
        layers = List.copyOf(layers);
    }
}
