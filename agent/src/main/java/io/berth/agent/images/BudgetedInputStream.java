package io.berth.agent.images;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import static java.util.Objects.requireNonNull;

/** The uncompressed layer stream, charged to the layer's budget as it is read: a bomb stops where it passes the limit. */
final class BudgetedInputStream
        extends FilterInputStream
{
    private final UnpackBudget.Layer budget;

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
            budget.chargeBytes(1);
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length)
            throws IOException
    {
        int count = super.read(buffer, offset, length);
        if (count > 0) {
            budget.chargeBytes(count);
        }
        return count;
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
