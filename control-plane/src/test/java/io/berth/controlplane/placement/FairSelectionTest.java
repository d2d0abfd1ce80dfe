package io.berth.controlplane.placement;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FairSelectionTest
{
    @Test
    void takesOneOfEachAccountPerRound()
    {
        List<List<String>> queues = List.of(List.of("b1", "b2", "b3"), List.of("a1"), List.of("c1", "c2"));
        assertThat(FairSelection.roundRobin(queues, 10)).containsExactly("b1", "a1", "c1", "b2", "c2", "b3");
    }

    @Test
    void stopsAtTheBatchAndStillReachesEveryAccount()
    {
        List<String> busy = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "b" + i).toList();
        assertThat(FairSelection.roundRobin(List.of(busy, List.of("a1")), 3)).containsExactly("b0", "a1", "b1");
        assertThat(FairSelection.roundRobin(List.of(busy, List.of("a1")), 2)).containsExactly("b0", "a1");
    }

    @Test
    void emptyQueues()
    {
        assertThat(FairSelection.roundRobin(List.of(), 5)).isEmpty();
        assertThat(FairSelection.roundRobin(List.of(List.<String>of(), List.of("a")), 5)).containsExactly("a");
    }

    @Test
    void fairShareOfABatch()
    {
        assertThat(FairSelection.perAccount(0, 100)).isEqualTo(100);
        assertThat(FairSelection.perAccount(1, 100)).isEqualTo(100);
        assertThat(FairSelection.perAccount(3, 100)).isEqualTo(34);
        assertThat(FairSelection.perAccount(500, 100)).isEqualTo(1);
    }

    @Test
    void rejectsAnEmptyBatch()
    {
        assertThatThrownBy(() -> FairSelection.roundRobin(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
