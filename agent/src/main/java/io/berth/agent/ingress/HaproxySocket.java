package io.berth.agent.ingress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/** HAProxy's stats socket (its runtime API): one command per connection, answered within a deadline. */
final class HaproxySocket
{
    private final Path path;
    private final Duration timeout;

    HaproxySocket(Path path, Duration timeout)
    {
        this.path = requireNonNull(path, "path is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** The answer to command; UncheckedIOException when the socket is not there, refuses, or does not answer in time. */
    String command(String command)
    {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> exchange(channel, command), Thread::startVirtualThread);
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("haproxy did not answer '" + command + "' on " + path + " within " + timeout.toMillis() + " ms"));
        }
        catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException unchecked ? unchecked : new UncheckedIOException(new IOException(e.getCause()));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while asking haproxy", e));
        }
        finally {
            // closing unblocks a read that the deadline gave up on
            try {
                channel.close();
            }
            catch (IOException ignored) {
                // nothing more to do with it
            }
        }
    }

    private String exchange(SocketChannel channel, String command)
    {
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
