package io.berth.controlplane.registry;

/** An image named by digest, by tag, or by both (then the tag must point at the digest); either may be null. */
public record ImageId(String digest, String tag)
{
    @Override
    public String toString()
    {
        return "{imageDigest:'%s', imageTag:'%s'}".formatted(digest == null ? "null" : digest, tag == null ? "null" : tag);
    }
}
