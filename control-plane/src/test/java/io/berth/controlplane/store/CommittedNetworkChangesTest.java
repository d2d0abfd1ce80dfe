package io.berth.controlplane.store;

import io.berth.common.agentprotocol.TaskEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommittedNetworkChangesTest
{
    private static final StoreTransaction.EndpointChange A = new StoreTransaction.EndpointChange(null, new TaskEndpoint("10.77.0.2", "111111111111"));
    private static final StoreTransaction.EndpointChange B = new StoreTransaction.EndpointChange(new TaskEndpoint("10.77.0.3", "111111111111"), null);

    @Test
    void theChangesBetweenTwoEpochsInCommitOrderOnlyWhenEveryOneInBetweenIsKnownAndOfEndpoints()
    {
        CommittedNetworkChanges changes = new CommittedNetworkChanges();
        changes.committing(11, false, List.of(A));
        changes.committing(12, false, List.of(B, A));
        assertThat(changes.endpointChangesBetween(10, 12)).contains(List.of(A, B, A));
        assertThat(changes.endpointChangesBetween(11, 12)).contains(List.of(B, A));
        assertThat(changes.endpointChangesBetween(12, 12)).contains(List.of());
        // epoch 10 and 13 were not committed here (another replica's, or not yet noted)
        assertThat(changes.endpointChangesBetween(9, 12)).isEmpty();
        assertThat(changes.endpointChangesBetween(11, 13)).isEmpty();
        // a host's change in between: the network must be read whole
        changes.committing(13, true, List.of());
        changes.committing(14, false, List.of(A));
        assertThat(changes.endpointChangesBetween(12, 14)).isEmpty();
        assertThat(changes.endpointChangesBetween(13, 14)).contains(List.of(A));
    }

    @Test
    void aFailedCommitTakesItsNoteBackButNotTheOneOfTheCommitThatMadeItsEpochAfterIt()
    {
        CommittedNetworkChanges changes = new CommittedNetworkChanges();
        changes.committing(1, false, List.of(A));
        CommittedNetworkChanges.Entry failed = changes.committing(2, false, List.of(B));
        changes.failed(2, failed);
        assertThat(changes.endpointChangesBetween(1, 2)).isEmpty();

        CommittedNetworkChanges.Entry mine = changes.committing(3, false, List.of(B));
        // the next transaction took epoch 3 after the rollback and noted its changes before this one's note went
        changes.committing(3, false, List.of(A, A));
        changes.failed(3, mine);
        changes.committing(2, false, List.of());
        assertThat(changes.endpointChangesBetween(1, 3)).contains(List.of(A, A));
    }

    @Test
    void keepsTheLatestEpochsOnly()
    {
        CommittedNetworkChanges changes = new CommittedNetworkChanges();
        for (long epoch = 1; epoch <= CommittedNetworkChanges.KEPT + 10; epoch++) {
            changes.committing(epoch, false, List.of(A));
        }
        assertThat(changes.endpointChangesBetween(0, 20)).isEmpty();
        assertThat(changes.endpointChangesBetween(10, CommittedNetworkChanges.KEPT + 10)).hasValueSatisfying(list -> assertThat(list).hasSize(CommittedNetworkChanges.KEPT));
    }
}
