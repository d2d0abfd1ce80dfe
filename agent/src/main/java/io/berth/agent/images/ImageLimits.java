package io.berth.agent.images;

/**
 * How much one image may put on the host's disk: unpacked bytes of all the layers one pull unpacks, unpacked
 * bytes of one layer, and entries (files, directories, links, whiteouts) of one layer. Checked while a layer
 * is unpacked, so a gzip bomb stops at the limit instead of at a full disk. The entry limit guards the inodes,
 * which a layer of a million empty files exhausts long before any byte limit.
 *
 * <p>Unpacked bytes are the uncompressed tar stream (headers and padding included) plus the holes of sparse
 * files, which are written out in full.
 */
public record ImageLimits(long maxImageBytes, long maxLayerBytes, long maxLayerEntries)
{
    public static final long DEFAULT_MAX_IMAGE_BYTES = 10L << 30;
    public static final long DEFAULT_MAX_LAYER_ENTRIES = 1_000_000;
    public static final ImageLimits DEFAULTS = new ImageLimits(DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_LAYER_ENTRIES);

    public ImageLimits
    {
        if (maxImageBytes <= 0 || maxLayerBytes <= 0 || maxLayerEntries <= 0) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    /** The image limit; a layer may use all of it (one layer is the whole image for most images). */
    public static ImageLimits ofMaxImageBytes(long maxImageBytes)
    {
        return new ImageLimits(maxImageBytes, maxImageBytes, DEFAULT_MAX_LAYER_ENTRIES);
    }
}
