package io.berth.agent.logs;

import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.agentprotocol.LogShippingLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipper against a control plane that fails, refuses and comes back (a fake link, the real log files and state
 * files): lines wait on disk and are shipped once, batches stay bounded, and an agent restart ships nothing twice.
 */
class AwsLogsShipperTest
{
    private static final String TASK = "task1";
    private static final String HOST = "host-1";

    @TempDir
    Path logs;

    private final FlakyLink link = new FlakyLink();
    private final AtomicReference<List<ShippedTask>> held = new AtomicReference<>(List.of(new ShippedTask(TASK, List.of("main"), true)));

    @Test
    void linesWaitOnDiskWhileTheControlPlaneIsAwayAndAreShippedOnceWhenItIsBack()
            throws IOException
    {
        write("main", "stdout", "one", "two");
        link.away.set(true);
        assertThatThrownBy(() -> shipper().shipRound()).isInstanceOf(UncheckedIOException.class);
        assertThat(link.texts()).isEmpty();

        link.away.set(false);
        shipper().shipRound();
        assertThat(link.texts()).containsExactly("one", "two");
        shipper().shipRound();
        assertThat(link.texts()).containsExactly("one", "two");

        write("main", "stderr", "three");
        shipper().shipRound();
        assertThat(link.texts()).containsExactly("one", "two", "three");
        assertThat(link.batches.getLast().lines().getFirst().stream()).isEqualTo("stderr");
        assertThat(link.batches).allSatisfy(batch -> assertThat(batch.hostId()).isEqualTo(HOST));
    }

    @Test
    void batchesAreBoundedAndTheRestFollowsInTheNextRounds()
            throws IOException
    {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < AwsLogsShipper.MAX_BATCH_LINES + 10; i++) {
            many.add("line " + i);
        }
        write("main", "stdout", many.toArray(String[]::new));
        AwsLogsShipper shipper = shipper();
        assertThat(shipper.shipRound()).isTrue();
        assertThat(link.batches.getFirst().lines()).hasSize(AwsLogsShipper.MAX_BATCH_LINES);
        assertThat(shipper.shipRound()).isFalse();
        assertThat(link.texts()).containsExactlyElementsOf(many);
    }

    @Test
    void aStoppedTaskIsFinishedAfterItsLastLineAndShippedEvenWhenNoLongerHeld()
            throws IOException
    {
        write("main", "stdout", "before stop");
        shipper().shipRound();
        write("main", "stdout", "last words");
        // the agent forgot the task; its state file says lines are still to ship
        held.set(List.of());
        shipper().shipRound();
        assertThat(link.texts()).containsExactly("before stop", "last words");
        assertThat(Files.readString(logs.resolve(TASK).resolve(ShippingState.FILE_NAME))).contains("done=true");
        write("main", "stdout", "never");
        shipper().shipRound();
        assertThat(link.texts()).containsExactly("before stop", "last words");
    }

    @Test
    void aRefusedTaskIsNoLongerShipped()
            throws IOException
    {
        write("main", "stdout", "refused");
        link.refuse.set(true);
        shipper().shipRound();
        link.refuse.set(false);
        shipper().shipRound();
        assertThat(link.texts()).isEmpty();
        assertThat(link.attempts).isEqualTo(1);
    }

    @Test
    void aTaskWhoseContainersHaveNotStartedHasNothingToShip()
    {
        assertThat(shipper().shipRound()).isFalse();
        assertThat(logs.resolve(TASK)).doesNotExist();
    }

    private AwsLogsShipper shipper()
    {
        return new AwsLogsShipper(logs, HOST, link, held::get, Duration.ofMillis(10));
    }

    private void write(String container, String stream, String... lines)
            throws IOException
    {
        Files.createDirectories(logs.resolve(TASK));
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append("2026-01-01T00:00:00.000000000Z ").append(stream).append(" F ").append(line).append('\n');
        }
        Files.writeString(logs.resolve(TASK).resolve(container + ".log"), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static final class FlakyLink
            implements LogShippingLink
    {
        final AtomicBoolean away = new AtomicBoolean();
        final AtomicBoolean refuse = new AtomicBoolean();
        final List<LogBatch> batches = new ArrayList<>();
        int attempts;

        @Override
        public void shipLogs(LogBatch batch)
        {
            attempts++;
            if (away.get()) {
                throw new UncheckedIOException(new IOException("cannot reach the control plane (connection refused)"));
            }
            if (refuse.get()) {
                throw new LogBatchRefusedException("task " + batch.taskId() + " does not run on host " + batch.hostId());
            }
            batches.add(batch);
        }

        List<String> texts()
        {
            return batches.stream().flatMap(batch -> batch.lines().stream()).map(LogLine::text).toList();
        }
    }
}
