package io.berth.agent.images;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import static java.util.Objects.requireNonNull;

/**
 * The uncompressed layer stream, charged to the layer's budget as it is read: a bomb stops where it passes the
 * limit. It also bounds the tar headers read for one entry: the tar reader holds a long name or an extended
 * (PAX) header in memory, so a header of gigabytes would exhaust the agent's heap long before any byte limit.
 */
final class BudgetedInputStream
        extends FilterInputStream
{
    static final long MAX_HEADER_BYTES = 1 << 20;

    private final UnpackBudget.Layer budget;
    private boolean inHeaders;
    private long headerBytes;
    private LayerRejectedException refused;

    BudgetedInputStream(InputStream in, UnpackBudget.Layer budget)
    {
        super(in);
        this.budget = requireNonNull(budget, "budget is null");
    }

    @Override
    public int read()
            throws IOException
    {
        int value = super.read();
        if (value != -1) {
            charge(1);
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length)
            throws IOException
    {
        int count = super.read(buffer, offset, length);
        if (count > 0) {
            charge(count);
        }
        return count;
    }

    /** What is read from now until {@link #endHeaders()} is the headers of one entry (and the padding before them). */
    void startHeaders()
    {
        inHeaders = true;
        headerBytes = 0;
    }

    void endHeaders()
    {
        inHeaders = false;
    }

    /** The refusal of an oversized header, if any: a tar reader may wrap the exception thrown from its stream. */
    LayerRejectedException refused()
    {
        return refused;
    }

    private void charge(long count)
            throws IOException
    {
        if (refused != null) {
            throw refused;
        }
        if (inHeaders) {
            headerBytes += count;
            if (headerBytes > MAX_HEADER_BYTES) {
                refused = new LayerRejectedException("layer has an entry with more than %s of tar headers (a long name or extended header that large is not a file system)"
                        .formatted(ByteSizes.format(MAX_HEADER_BYTES)));
                throw refused;
            }
        }
        budget.chargeBytes(count);
    }

    @Override
    public long skip(long count)
            throws IOException
    {
        // Skipped bytes are decompressed all the same; read them so they are charged.
        long skipped = 0;
        byte[] buffer = new byte[8192];
        while (skipped < count) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, count - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }
}
