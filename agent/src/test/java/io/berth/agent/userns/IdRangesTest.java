package io.berth.agent.userns;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdRangesTest
{
    private static final IdRangePool POOL = new IdRangePool(1L << 30, 65536, 3);

    @Test
    void eachTaskGetsItsOwnRangeAndKeepsIt()
            throws Exception
    {
        IdRanges ranges = new IdRanges(POOL);
        IdMapping first = ranges.allocate("task-a");
        IdMapping second = ranges.allocate("task-b");

        assertThat(first).isEqualTo(new IdMapping(1L << 30, 65536));
        assertThat(second).isEqualTo(new IdMapping((1L << 30) + 65536, 65536));
        assertThat(first.overlaps(second)).isFalse();
        assertThat(ranges.allocate("task-a")).isEqualTo(first);
    }

    @Test
    void aFullPoolSaysSoAndAReleasedRangeIsGivenLast()
            throws Exception
    {
        IdRanges ranges = new IdRanges(POOL);
        IdMapping a = ranges.allocate("a");
        ranges.allocate("b");
        ranges.allocate("c");
        assertThatThrownBy(() -> ranges.allocate("d"))
                .isInstanceOf(IdRangesExhaustedException.class)
                .hasMessageContaining("all 3 ranges");

        ranges.release("a");
        assertThat(ranges.allocate("d")).isEqualTo(a);
        ranges.release("b");
        ranges.release("c");
        // next-fit: the search goes on after the last range given, so the most recently freed one waits
        IdMapping e = ranges.allocate("e");
        assertThat(e).isEqualTo(POOL.slot(1));
    }

    @Test
    void theNextRangeIsTheOneTheNextTaskGets()
            throws Exception
    {
        IdRanges ranges = new IdRanges(POOL);
        assertThat(ranges.next()).contains(POOL.slot(0));
        assertThat(ranges.next()).as("looking takes nothing").contains(POOL.slot(0));
        assertThat(ranges.allocate("a")).isEqualTo(POOL.slot(0));
        assertThat(ranges.next()).contains(POOL.slot(1));
        ranges.allocate("b");
        ranges.allocate("c");
        assertThat(ranges.next()).isEmpty();
        ranges.release("b");
        assertThat(ranges.next()).contains(POOL.slot(1));
        assertThat(ranges.allocate("d")).isEqualTo(POOL.slot(1));
    }

    @Test
    void rangesMarkedTakenAfterARestartAreNeverGivenToAnotherTask()
            throws Exception
    {
        IdRanges ranges = new IdRanges(POOL);
        ranges.markTaken("running", POOL.slot(0));
        // a range from an earlier pool that overlaps two of this pool's slots blocks both
        ranges.markTaken("older-pool", new IdMapping((1L << 30) + 65536 + 100, 65536));

        assertThat(ranges.allocate("running")).isEqualTo(POOL.slot(0));
        assertThatThrownBy(() -> ranges.allocate("new")).isInstanceOf(IdRangesExhaustedException.class);
        ranges.release("older-pool");
        assertThat(ranges.allocate("new")).isEqualTo(POOL.slot(1));
    }

    @Test
    void manyTasksGetDistinctRanges()
            throws Exception
    {
        IdRanges ranges = new IdRanges(IdRangePool.DEFAULT);
        Set<Long> starts = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            IdMapping mapping = ranges.allocate("task-" + i);
            assertThat(mapping.hostId()).isGreaterThanOrEqualTo(IdRangePool.DEFAULT_BASE);
            assertThat(mapping.hostId() + mapping.size()).isLessThanOrEqualTo(1L << 31);
            starts.add(mapping.hostId());
        }
        assertThat(starts).hasSize(500);
    }

    @Test
    void poolsAndMappingsRefuseRangesThatReachHostIdsTheyMustNot()
    {
        assertThatThrownBy(() -> new IdMapping(0, 65536)).hasMessageContaining("host root");
        assertThatThrownBy(() -> new IdMapping(IdMapping.MAX_ID, 2)).hasMessageContaining("ends past");
        assertThatThrownBy(() -> new IdRangePool(1000, 65536, 1)).hasMessageContaining("away from the host's own ids");
        assertThatThrownBy(() -> new IdRangePool(1L << 30, 1000, 1)).hasMessageContaining("at least 65536");
        assertThatThrownBy(() -> new IdRangePool(1L << 31, 65536, 40000)).hasMessageContaining("ends past");
        assertThatThrownBy(() -> new IdRangePool(1L << 30, 65536, 0)).hasMessageContaining("at least one");
        assertThat(IdRangePool.DEFAULT.slotOf(IdRangePool.DEFAULT.slot(42))).isEqualTo(42);
        assertThat(IdRangePool.DEFAULT.slotOf(new IdMapping(5_000_000, 65536))).isEqualTo(-1);
        assertThat(new IdMapping(1L << 30, 65536).procMapLine()).isEqualTo("0 1073741824 65536\n");
        assertThat(List.of(new IdMapping(1L << 30, 65536).toHost(1000))).containsExactly((1L << 30) + 1000);
    }
}
