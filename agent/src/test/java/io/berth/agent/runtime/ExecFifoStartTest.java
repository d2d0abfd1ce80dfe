package io.berth.agent.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start FIFO's protocol with a stand-in for runc's init: a thread that opens the FIFO for writing as init does. */
class ExecFifoStartTest
{
    @TempDir
    Path state;

    @Test
    void readsInitsByteAndRemovesTheFifo()
            throws Exception
    {
        Path fifo = makeFifo();
        // init opens its end (blocking until a reader exists), writes its byte and closes it when it executes the process
        CompletableFuture<Void> init = CompletableFuture.runAsync(() -> writeTo(fifo, "0"));

        new ExecFifoStart(state, () -> true).start(Duration.ofSeconds(10));

        init.get(10, TimeUnit.SECONDS);
        assertThat(fifo).doesNotExist();
    }

    @Test
    void waitsForAnInitThatOpensItsEndLater()
            throws Exception
    {
        Path fifo = makeFifo();
        CompletableFuture<Void> init = CompletableFuture.runAsync(() -> {
            sleep(Duration.ofMillis(200));
            writeTo(fifo, "0");
        });

        new ExecFifoStart(state, () -> true).start(Duration.ofSeconds(10));

        init.get(10, TimeUnit.SECONDS);
        assertThat(fifo).doesNotExist();
    }

    @Test
    void anInitThatDiedBeforeTheStartIsAFailure()
            throws IOException
    {
        Path fifo = makeFifo();

        assertThatThrownBy(() -> new ExecFifoStart(state, () -> false).start(Duration.ofSeconds(10)))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("ended before it was started");
        assertThat(fifo).exists();
    }

    @Test
    void anInitThatNeverWritesMeetsTheDeadline()
            throws Exception
    {
        Path fifo = makeFifo();
        CountDownLatch release = new CountDownLatch(1);
        // opens its end and then hangs without writing
        CompletableFuture<Void> init = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                release.await(30, TimeUnit.SECONDS);
            }
            catch (IOException | InterruptedException ignored) {
                // the reader is gone: the test is over
            }
        });

        long started = System.nanoTime();
        assertThatThrownBy(() -> new ExecFifoStart(state, () -> true).start(Duration.ofMillis(300)))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("did not take the start");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        release.countDown();
        init.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRuntimeWithoutTheFifoIsNotStartedThroughIt()
    {
        assertThat(new ExecFifoStart(state, () -> true).available()).isFalse();
    }

    private Path makeFifo()
            throws IOException
    {
        Path fifo = state.resolve(ExecFifoStart.EXEC_FIFO);
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(mkfifo.exitValue()).isZero();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertThat(new ExecFifoStart(state, () -> true).available()).isTrue();
        return fifo;
    }

    private static void writeTo(Path fifo, String content)
    {
        try (OutputStream out = Files.newOutputStream(fifo)) {
            out.write(content.getBytes());
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
