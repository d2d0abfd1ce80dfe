package io.berth.agent.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import static java.util.Objects.requireNonNull;

/**
 * Reads its source on a thread of its own, a few chunks ahead of the reader: a layer's decompression then runs
 * beside the writing of its files, as {@code gzip -d | tar -x} do. At most {@code chunks} chunks wait, so a
 * source that inflates without end (a gzip bomb) gets no further ahead of the reader, whose own stream counts the
 * bytes against the limits. The source is read and closed by that thread only; a failure reading it reaches the
 * reader as the same exception.
 */
final class ReadAheadInputStream
        extends InputStream
{
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;
    private volatile boolean closed;

    ReadAheadInputStream(InputStream source, int chunkBytes, int chunks)
    {
        requireNonNull(source, "source is null");
        if (chunkBytes <= 0 || chunks <= 0) {
            throw new IllegalArgumentException("chunk size and count must be positive");
        }
        this.queue = new ArrayBlockingQueue<>(chunks);
        this.producer = Thread.ofPlatform().name("layer-read-ahead").daemon().start(() -> produce(source, chunkBytes));
    }

    private void produce(InputStream source, int chunkBytes)
    {
        try (source) {
            while (!closed) {
                byte[] chunk = source.readNBytes(chunkBytes);
                if (chunk.length > 0) {
                    queue.put(chunk);
                }
                if (chunk.length < chunkBytes) {
                    queue.put(END);
                    return;
                }
            }
        }
        catch (InterruptedException e) {
            // closed by the reader
        }
        catch (IOException | RuntimeException e) {
            try {
                queue.put(e);
            }
            catch (InterruptedException interrupted) {
                // closed by the reader
            }
        }
    }

    @Override
    public int read()
            throws IOException
    {
        byte[] one = new byte[1];
        int count = read(one, 0, 1);
        return count == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length)
            throws IOException
    {
        if (length == 0) {
            return 0;
        }
        if (position == current.length && !next()) {
            return -1;
        }
        int count = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, count);
        position += count;
        return count;
    }

    private boolean next()
            throws IOException
    {
        if (ended) {
            return false;
        }
        if (closed) {
            throw new IOException("stream closed");
        }
        Object item;
        try {
            item = queue.take();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a layer");
        }
        if (item == END) {
            ended = true;
            return false;
        }
        if (item instanceof IOException failure) {
            ended = true;
            throw failure;
        }
        if (item instanceof RuntimeException failure) {
            ended = true;
            throw failure;
        }
        current = (byte[]) item;
        position = 0;
        return true;
    }

    /** Stops the reading thread (which closes the source) and waits for it briefly. */
    @Override
    public void close()
    {
        if (closed) {
            return;
        }
        closed = true;
        producer.interrupt();
        queue.clear();
        try {
            producer.join(10_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
