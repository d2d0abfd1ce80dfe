package io.berth.agent.images;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A response body that must keep moving: a watchdog closes it when no byte came for the stall deadline or the
 * whole body took longer than the total deadline, and the reader then gets a {@link DownloadDeadlineException}
 * saying which. The HTTP client's own request timeout ends with the response headers; this covers the body.
 */
final class DeadlineInputStream
        extends FilterInputStream
{
    private final String what;
    private final Duration stall;
    private final Duration total;
    private final long startNanos;
    private final ScheduledFuture<?> watchdog;
    private volatile long lastProgressNanos;
    private volatile long received;
    private volatile String failure;

    /** {@code what}: the download in words, e.g. "blob sha256:... from registry 10.0.0.1:5000". */
    DeadlineInputStream(InputStream body, String what, Duration stall, Duration total, ScheduledExecutorService watchdogs)
    {
        super(requireNonNull(body, "body is null"));
        this.what = requireNonNull(what, "what is null");
        this.stall = requireNonNull(stall, "stall is null");
        this.total = requireNonNull(total, "total is null");
        this.startNanos = System.nanoTime();
        this.lastProgressNanos = startNanos;
        long period = Math.max(10, Math.min(1000, stall.toMillis() / 4));
        this.watchdog = watchdogs.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
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
        int count;
        try {
            count = in.read(buffer, offset, length);
        }
        catch (IOException e) {
            failIfPastDeadline(e);
            throw e;
        }
        // A body closed by the watchdog may look like a clean end: the deadline is the reason, not a short blob.
        failIfPastDeadline(null);
        if (count > 0) {
            received += count;
            lastProgressNanos = System.nanoTime();
        }
        return count;
    }

    @Override
    public void close()
            throws IOException
    {
        watchdog.cancel(false);
        super.close();
    }

    private void check()
    {
        long now = System.nanoTime();
        if (now - lastProgressNanos > stall.toNanos()) {
            fail("%s stalled: no data for %s (after %d bytes)".formatted(what, seconds(stall), received));
        }
        else if (now - startNanos > total.toNanos()) {
            fail("%s did not finish within its deadline of %s (%d bytes received)".formatted(what, seconds(total), received));
        }
    }

    private void fail(String reason)
    {
        if (failure != null) {
            return;
        }
        failure = reason;
        watchdog.cancel(false);
        try {
            in.close();
        }
        catch (IOException ignored) {
            // the reader sees the failure either way
        }
    }

    private void failIfPastDeadline(IOException cause)
            throws DownloadDeadlineException
    {
        if (failure != null) {
            throw new DownloadDeadlineException(failure, cause);
        }
    }

    private static String seconds(Duration duration)
    {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() / 1000.0 + " s";
    }

    /** A download cut off by its stall or total deadline. */
    static final class DownloadDeadlineException
            extends IOException
    {
        DownloadDeadlineException(String message, IOException cause)
        {
            super(message, cause);
        }
    }
}
