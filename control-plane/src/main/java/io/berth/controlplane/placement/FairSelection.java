package io.berth.controlplane.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * Which waiting tasks one placement pass offers the engine: one queue per account (its tasks in the order they
 * should be tried), taken in turn, one task of each account per round, until the batch is full. So an account
 * with many waiting tasks, placeable or not, never keeps another account's tasks out of the pass, and the
 * engine, which gives capacity in the order it is asked, hands it out account by account.
 */
public final class FairSelection
{
    private FairSelection() {}

    /** Round-robin over queues (in the order given) until batch items are taken or every queue is empty. */
    public static <T> List<T> roundRobin(List<List<T>> queues, int batch)
    {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
        List<T> selected = new ArrayList<>();
        for (int round = 0; selected.size() < batch; round++) {
            boolean took = false;
            for (List<T> queue : queues) {
                if (round < queue.size()) {
                    selected.add(queue.get(round));
                    took = true;
                    if (selected.size() == batch) {
                        break;
                    }
                }
            }
            if (!took) {
                break;
            }
        }
        return List.copyOf(selected);
    }

    /** How many tasks of each of accounts to read so that every account can fill its fair share of a batch. */
    public static int perAccount(int accounts, int batch)
    {
        if (accounts < 1) {
            return batch;
        }
        return Math.max(1, (batch + accounts - 1) / accounts);
    }
}
