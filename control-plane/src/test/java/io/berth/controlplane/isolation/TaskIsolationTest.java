package io.berth.controlplane.isolation;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.berth.common.agentprotocol.IsolationTier.CONTAINER;
import static io.berth.common.agentprotocol.IsolationTier.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskIsolationTest
{
    @Test
    void aTaskRunsAtTheStrongerOfItsAccountsTierAndTheTag()
    {
        assertThat(TaskIsolation.effective(CONTAINER, List.of())).isEqualTo(CONTAINER);
        assertThat(TaskIsolation.effective(SANDBOX, List.of())).isEqualTo(SANDBOX);
        assertThat(TaskIsolation.effective(CONTAINER, List.of(tier("sandbox")))).isEqualTo(SANDBOX);
        assertThat(TaskIsolation.effective(SANDBOX, List.of(tier("container")))).as("never below the account's").isEqualTo(SANDBOX);
        assertThat(TaskIsolation.effective(CONTAINER, List.of(new Tag("team", "a"), tier("container")))).isEqualTo(CONTAINER);
    }

    @Test
    void onlyTheKnownTiersAndTheKnownBerthKeyAreAccepted()
    {
        assertThatThrownBy(() -> TaskIsolation.checkTags(List.of(tier("microvm"))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.INVALID_VALUE))
                .hasMessage("Invalid value 'microvm' for tag berth:isolation: use one of container, sandbox.");
        assertThatThrownBy(() -> TaskIsolation.checkTags(List.of(tier("Sandbox")))).hasMessageContaining("'Sandbox'");
        assertThatThrownBy(() -> TaskIsolation.checkTags(List.of(new Tag("berth:isolaton", "sandbox"))))
                .hasMessageContaining("reserved for Berth");
        TaskIsolation.checkTags(List.of(new Tag("team", "berth:anything"), tier("sandbox")));
    }

    @Test
    void tiersOrderFromWeakToStrong()
    {
        assertThat(CONTAINER.atLeast(SANDBOX)).isEqualTo(SANDBOX);
        assertThat(SANDBOX.atLeast(CONTAINER)).isEqualTo(SANDBOX);
        assertThat(CONTAINER.atLeast(null)).isEqualTo(CONTAINER);
        assertThat(IsolationTier.fromWireName("sandbox")).hasValue(SANDBOX);
        assertThat(IsolationTier.fromWireName("SANDBOX")).isEmpty();
    }

    private static Tag tier(String value)
    {
        return new Tag(TaskIsolation.TAG_KEY, value);
    }
}
