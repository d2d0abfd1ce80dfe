package io.berth.agent.process;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Processes started from virtual threads, as the agent's task steps start them (the start itself happens on a platform thread). */
class ProcessStartsTest
{
    @Test
    void aVirtualThreadsStartGivesTheRunningProcess()
            throws Exception
    {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Process process = threads.submit(() -> ProcessStarts.start(new ProcessBuilder("sh", "-c", "read line; echo \"got $line\""))).get();
            process.getOutputStream().write("input\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            assertThat(process.waitFor()).isZero();
            assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("got input\n");
        }
    }

    @Test
    void aCommandThatCannotStartFailsWithTheJdksMessageOnEitherKindOfThread()
            throws Exception
    {
        ProcessBuilder missing = new ProcessBuilder("/nonexistent/berth-no-such-command");
        assertThatThrownBy(() -> ProcessStarts.start(missing)).isInstanceOf(IOException.class).hasMessageContaining("/nonexistent/berth-no-such-command");
        CompletableFuture<Throwable> onVirtual = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                ProcessStarts.start(missing).destroyForcibly();
                onVirtual.complete(null);
            }
            catch (Throwable e) {
                onVirtual.complete(e);
            }
        });
        assertThat(onVirtual.get()).isInstanceOf(IOException.class).hasMessageContaining("/nonexistent/berth-no-such-command");
    }

    @Test
    void manyStartsAtOnceFromVirtualThreadsAllRunToTheirEnd()
            throws Exception
    {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<ProcessOutput>> runs = java.util.stream.IntStream.range(0, 40)
                    .mapToObj(index -> CompletableFuture.supplyAsync(() -> HostProcess.run(List.of("sh", "-c", "echo " + index), Duration.ofSeconds(30)), threads))
                    .toList();
            for (int index = 0; index < runs.size(); index++) {
                assertThat(runs.get(index).get().stdout()).isEqualTo(index + "\n");
            }
        }
    }
}
