package io.berth.agent.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TaskTransitionsTest
{
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads()
    {
        threads.shutdownNow();
    }

    @Test
    void tasksTakeTheirStartTurnsInTheOrderTheyCameAndNoMoreAtOnceThanTheTurns()
            throws Exception
    {
        TaskTransitions transitions = new TaskTransitions(2);
        TaskTransitions.StartTurn first = transitions.awaitStartTurn(() -> false).orElseThrow();
        TaskTransitions.StartTurn second = transitions.awaitStartTurn(() -> false).orElseThrow();

        List<String> started = new CopyOnWriteArrayList<>();
        Future<TaskTransitions.StartTurn> third = threads.submit(() -> taken(transitions, "third", started));
        await().atMost(Duration.ofSeconds(5)).until(() -> transitions.waitingForStartTurn() == 1);
        Future<TaskTransitions.StartTurn> fourth = threads.submit(() -> taken(transitions, "fourth", started));
        await().atMost(Duration.ofSeconds(5)).until(() -> transitions.waitingForStartTurn() == 2);
        assertThat(started).isEmpty();

        // one turn ends: the one that came first takes it, the other still waits
        first.close();
        third.get(5, TimeUnit.SECONDS);
        assertThat(started).containsExactly("third");
        assertThat(transitions.waitingForStartTurn()).isEqualTo(1);

        // a turn closed again frees nothing more
        first.close();
        Thread.sleep(100);
        assertThat(started).containsExactly("third");

        second.close();
        fourth.get(5, TimeUnit.SECONDS);
        assertThat(started).containsExactly("third", "fourth");
        assertThat(transitions.waitingForStartTurn()).isZero();
    }

    @Test
    void aTaskThatGivesUpLeavesTheLineAtOnceAndTheNextMovesUp()
            throws Exception
    {
        TaskTransitions transitions = new TaskTransitions(1);
        TaskTransitions.StartTurn running = transitions.awaitStartTurn(() -> false).orElseThrow();
        AtomicBoolean stopAsked = new AtomicBoolean();
        Future<Optional<TaskTransitions.StartTurn>> stopped = threads.submit(() -> transitions.awaitStartTurn(stopAsked::get));
        await().atMost(Duration.ofSeconds(5)).until(() -> transitions.waitingForStartTurn() == 1);
        List<String> started = new CopyOnWriteArrayList<>();
        Future<TaskTransitions.StartTurn> next = threads.submit(() -> taken(transitions, "next", started));
        await().atMost(Duration.ofSeconds(5)).until(() -> transitions.waitingForStartTurn() == 2);

        stopAsked.set(true);
        transitions.nudge();
        assertThat(stopped.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(transitions.waitingForStartTurn()).isEqualTo(1);
        assertThat(started).isEmpty();

        running.close();
        next.get(5, TimeUnit.SECONDS).close();
        assertThat(started).containsExactly("next");
    }

    @Test
    void refusesFewerThanOneStartTurnAndGivesEachCoreSome()
            throws Exception
    {
        assertThatThrownBy(() -> new TaskTransitions(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        TaskTransitions byCores = new TaskTransitions();
        for (int turn = 0; turn < TaskTransitions.STARTS_PER_CORE * Runtime.getRuntime().availableProcessors(); turn++) {
            assertThat(byCores.awaitStartTurn(() -> false)).isPresent();
        }
        Future<Optional<TaskTransitions.StartTurn>> oneMore = threads.submit(() -> byCores.awaitStartTurn(() -> false));
        await().atMost(Duration.ofSeconds(5)).until(() -> byCores.waitingForStartTurn() == 1);
        assertThat(oneMore).isNotDone();
    }

    private static TaskTransitions.StartTurn taken(TaskTransitions transitions, String name, List<String> started)
            throws InterruptedException
    {
        TaskTransitions.StartTurn turn = transitions.awaitStartTurn(() -> false).orElseThrow();
        started.add(name);
        return turn;
    }
}
