package io.berth.agent.images;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Points at content: its media type, digest and size, and for index entries the platform it is built for. */
public record Descriptor(String mediaType, Digest digest, long size, Optional<Platform> platform)
{
    public Descriptor
    {
        requireNonNull(mediaType, "mediaType is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(platform, "platform is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    public Descriptor(String mediaType, Digest digest, long size)
    {
        this(mediaType, digest, size, Optional.empty());
    }

    public record Platform(String os, String architecture, Optional<String> variant)
    {
        public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", Optional.empty());

        public Platform
        {
            requireNonNull(os, "os is null");
            requireNonNull(architecture, "architecture is null");
            requireNonNull(variant, "variant is null");
        }

        /** Ignores the variant when this platform names none, as amd64 never does. */
        public boolean runsOn(Platform host)
        {
            return os.equals(host.os) && architecture.equals(host.architecture) && (host.variant.isEmpty() || variant.equals(host.variant));
        }

        @Override
        public String toString()
        {
            return os + "/" + architecture + variant.map(value -> "/" + value).orElse("");
        }
    }
}
