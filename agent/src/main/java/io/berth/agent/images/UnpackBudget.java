package io.berth.agent.images;

import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * What is left of the {@link ImageLimits} during one pull: one budget per pull, shared by its layers, each
 * of which takes a {@link Layer} share. Charging past a limit throws {@link ImageLimitExceededException}.
 */
public final class UnpackBudget
{
    private static final String RAISE = "raise it with --max-image-size on berth agent or berth up";

    private final ImageLimits limits;
    private final AtomicLong imageBytes = new AtomicLong();

    public UnpackBudget(ImageLimits limits)
    {
        this.limits = requireNonNull(limits, "limits is null");
    }

    public static UnpackBudget unlimited()
    {
        return new UnpackBudget(new ImageLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
    }

    public Layer layer()
    {
        return new Layer();
    }

    /** The share of one layer; used by one thread at a time. */
    public final class Layer
    {
        private long bytes;
        private long entries;
        private ImageLimitExceededException exceeded;

        /** Counts unpacked bytes; throws once the layer or the image is past its limit (and keeps throwing). */
        public void chargeBytes(long count)
                throws ImageLimitExceededException
        {
            failIfExceeded();
            bytes += count;
            long image = imageBytes.addAndGet(count);
            if (bytes > limits.maxLayerBytes()) {
                throw exceeded("a layer of this image unpacks to more than the limit of %s per layer; %s".formatted(ByteSizes.format(limits.maxLayerBytes()), RAISE));
            }
            if (image > limits.maxImageBytes()) {
                throw exceeded("the image unpacks to more than the limit of %s per image; %s".formatted(ByteSizes.format(limits.maxImageBytes()), RAISE));
            }
        }

        /** Refuses at once an entry whose declared size cannot fit, before a byte of it is written. */
        public void checkDeclaredSize(String name, long size)
                throws ImageLimitExceededException
        {
            failIfExceeded();
            if (bytes + size > limits.maxLayerBytes()) {
                throw exceeded("layer entry \"%s\" of %d bytes does not fit the limit of %s per layer; %s".formatted(name, size, ByteSizes.format(limits.maxLayerBytes()), RAISE));
            }
            if (imageBytes.get() + size > limits.maxImageBytes()) {
                throw exceeded("layer entry \"%s\" of %d bytes does not fit the limit of %s per image; %s".formatted(name, size, ByteSizes.format(limits.maxImageBytes()), RAISE));
            }
        }

        public void chargeEntry()
                throws ImageLimitExceededException
        {
            failIfExceeded();
            entries++;
            if (entries > limits.maxLayerEntries()) {
                throw exceeded("a layer of this image has more than the limit of %d entries per layer (a fixed limit of Berth: split the layer)".formatted(limits.maxLayerEntries()));
            }
        }

        /** Unpacked bytes charged to this layer so far. */
        public long bytes()
        {
            return bytes;
        }

        /** The limit this layer passed, if any: a tar reader may wrap the exception thrown from its stream. */
        public ImageLimitExceededException exceeded()
        {
            return exceeded;
        }

        private ImageLimitExceededException exceeded(String message)
        {
            exceeded = new ImageLimitExceededException(message);
            return exceeded;
        }

        private void failIfExceeded()
                throws ImageLimitExceededException
        {
            if (exceeded != null) {
                throw exceeded;
            }
        }
    }
}
