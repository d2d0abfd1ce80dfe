package io.berth.controlplane.clusters;

import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapacityProvidersTest
{
    @Test
    void aStrategyUsesOnlyTheClustersKnownProvidersWithOneBase()
    {
        assertThatCode(() -> CapacityProviders.check(List.of("FARGATE", "FARGATE_SPOT"), List.of(item("FARGATE", 1, 2), item("FARGATE_SPOT", 3, 0))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> CapacityProviders.check(List.of("EC2"), List.of())).hasMessageContaining("'EC2' does not exist");
        assertThatThrownBy(() -> CapacityProviders.check(List.of("FARGATE"), List.of(item("FARGATE_SPOT", 1, 0)))).hasMessageContaining("not associated");
        assertThatThrownBy(() -> CapacityProviders.checkStrategy(List.of(item("FARGATE", 1, 1), item("FARGATE_SPOT", 1, 1)))).hasMessageContaining("Only one");
        assertThatThrownBy(() -> CapacityProviders.checkStrategy(List.of(item("FARGATE", 1001, 0)))).hasMessageContaining("between 0 and 1000");
        assertThatThrownBy(() -> CapacityProviders.checkStrategy(List.of(item("FARGATE", 1, 0), item("FARGATE", 1, 0)))).hasMessageContaining("more than once");
    }

    @Test
    void tasksJoiningAServiceCountTheOnesItRunsOnEachProvider()
    {
        // FARGATE base 2, then one to one: with the base already met by running tasks, the next go by weight
        List<ClusterConfiguration.StrategyItem> strategy = List.of(item("FARGATE", 1, 2), item("FARGATE_SPOT", 1, 0));
        assertThat(CapacityProviders.spread(strategy, 2, Map.of("FARGATE", 2))).containsExactly("FARGATE", "FARGATE_SPOT");
        // a replacement of an interrupted spot task goes back to spot: the share of all tasks is what the weights keep
        assertThat(CapacityProviders.spread(strategy, 1, Map.of("FARGATE", 3, "FARGATE_SPOT", 0))).containsExactly("FARGATE_SPOT");
        // the base is filled first when running tasks do not meet it
        assertThat(CapacityProviders.spread(strategy, 2, Map.of("FARGATE_SPOT", 3))).containsExactly("FARGATE", "FARGATE");
    }

    @Test
    void basesFillFirstThenWeightsShareTheRest()
    {
        // FARGATE base 1 weight 1, FARGATE_SPOT weight 3: one on-demand task, then the other seven three to one
        List<String> spread = CapacityProviders.spread(List.of(item("FARGATE", 1, 1), item("FARGATE_SPOT", 3, 0)), 9);
        assertThat(spread.get(0)).isEqualTo("FARGATE");
        assertThat(spread.stream().filter("FARGATE_SPOT"::equals).count()).isEqualTo(6);
        assertThat(spread.stream().filter("FARGATE"::equals).count()).isEqualTo(3);
    }

    @Test
    void equalWeightsAlternateAndAZeroWeightGetsNothingBeyondItsBase()
    {
        assertThat(CapacityProviders.spread(List.of(item("FARGATE", 1, 0), item("FARGATE_SPOT", 1, 0)), 4))
                .containsExactly("FARGATE", "FARGATE_SPOT", "FARGATE", "FARGATE_SPOT");
        assertThat(CapacityProviders.spread(List.of(item("FARGATE_SPOT", 0, 2), item("FARGATE", 1, 0)), 4))
                .containsExactly("FARGATE_SPOT", "FARGATE_SPOT", "FARGATE", "FARGATE");
        assertThat(CapacityProviders.spread(List.of(item("FARGATE_SPOT", 1, 0)), 3)).containsOnly("FARGATE_SPOT").hasSize(3);
    }

    @Test
    void withoutAnyWeightTheRestGoesToTheProviderWithABase()
    {
        assertThat(CapacityProviders.spread(List.of(item("FARGATE", 0, 0), item("FARGATE_SPOT", 0, 1)), 3)).containsOnly("FARGATE_SPOT");
    }

    @Test
    void aStrategyMayNameOnlyTheClustersProviders()
    {
        assertThatThrownBy(() -> CapacityProviders.checkAssociated(List.of(item("FARGATE_SPOT", 1, 0)), List.of("FARGATE")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'FARGATE_SPOT'");
    }

    private static ClusterConfiguration.StrategyItem item(String provider, int weight, int base)
    {
        return new ClusterConfiguration.StrategyItem(provider, weight, base);
    }
}
