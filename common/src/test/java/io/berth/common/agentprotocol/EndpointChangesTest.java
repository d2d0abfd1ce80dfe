package io.berth.common.agentprotocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointChangesTest
{
    @Test
    void changesBetweenTwoListsMakeTheSecondFromTheFirst()
    {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            List<TaskEndpoint> before = randomList(random);
            List<TaskEndpoint> after = randomList(random);
            EndpointChanges changes = EndpointChanges.between(EndpointChanges.versionOf(before), before, EndpointChanges.versionOf(after), after);
            assertThat(changes.applyTo(before, EndpointChanges.versionOf(before))).as("round %d", round).contains(after);
        }
    }

    @Test
    void onlyWhatChangedTravels()
    {
        TaskEndpoint a = new TaskEndpoint("10.1.0.2", "111111111111");
        TaskEndpoint b = new TaskEndpoint("10.1.0.3", "111111111111");
        TaskEndpoint c = new TaskEndpoint("10.1.0.3", "222222222222");
        TaskEndpoint d = new TaskEndpoint("10.1.1.7", "111111111111");
        List<TaskEndpoint> before = List.of(a, b, d);
        List<TaskEndpoint> after = List.of(a, c, d);

        EndpointChanges changes = EndpointChanges.between("v1", before, EndpointChanges.versionOf(after), after);

        assertThat(changes.removed()).containsExactly(b);
        assertThat(changes.added()).containsExactly(c);
    }

    @Test
    void changesThatDoNotFitTheListHeldAreRefused()
    {
        TaskEndpoint a = new TaskEndpoint("10.1.0.2", "111111111111");
        TaskEndpoint b = new TaskEndpoint("10.1.0.3", "111111111111");
        List<TaskEndpoint> after = List.of(b);
        String base = EndpointChanges.versionOf(List.of(a));
        EndpointChanges changes = EndpointChanges.between(base, List.of(a), EndpointChanges.versionOf(after), after);

        // an endpoint to remove that is not held
        assertThat(changes.applyTo(List.of(), base)).isEmpty();
        // a list that takes the changes but is not the base (it holds more)
        List<TaskEndpoint> more = List.of(a, new TaskEndpoint("10.1.0.9", "111111111111"));
        assertThat(changes.applyTo(more, EndpointChanges.versionOf(more))).isEmpty();
        // changes whose version is not where they lead from their base
        assertThat(new EndpointChanges(base, EndpointChanges.versionOf(List.of()), changes.removed(), changes.added()).applyTo(List.of(a), base)).isEmpty();
        assertThat(changes.applyTo(List.of(a), base)).contains(after);
    }

    @Test
    void aVersionFollowsFromTheOneBeforeAndTheChanges()
    {
        Random random = new Random(5);
        for (int round = 0; round < 200; round++) {
            List<TaskEndpoint> before = randomList(random);
            List<TaskEndpoint> after = randomList(random);
            EndpointChanges changes = EndpointChanges.between("", before, "", after);
            assertThat(EndpointChanges.versionAfter(EndpointChanges.versionOf(before), changes.removed(), changes.added()))
                    .as("round %d", round).isEqualTo(EndpointChanges.versionOf(after));
        }
        // a repeat counts: a list holding an endpoint twice is not the list holding it once
        TaskEndpoint a = new TaskEndpoint("10.1.0.2", "111111111111");
        assertThat(EndpointChanges.versionOf(List.of(a, a))).isNotEqualTo(EndpointChanges.versionOf(List.of(a)));
        assertThat(EndpointChanges.versionAfter("not a version", List.of(), List.of(a))).isEmpty();
    }

    @Test
    void aVersionIsTheListsContent()
    {
        TaskEndpoint a = new TaskEndpoint("10.1.0.2", "111111111111");
        assertThat(EndpointChanges.versionOf(List.of(a))).isEqualTo(EndpointChanges.versionOf(new ArrayList<>(List.of(new TaskEndpoint("10.1.0.2", "111111111111")))))
                .isNotEqualTo(EndpointChanges.versionOf(List.of()))
                .matches("[A-Za-z0-9_-]{22}");
    }

    /** Up to 40 endpoints from a small space, so lists overlap, and with repeats (two tasks may briefly share an address). */
    private static List<TaskEndpoint> randomList(Random random)
    {
        List<TaskEndpoint> endpoints = new ArrayList<>();
        int size = random.nextInt(40);
        for (int i = 0; i < size; i++) {
            endpoints.add(new TaskEndpoint("10.1.0." + random.nextInt(30), random.nextBoolean() ? "111111111111" : "222222222222"));
        }
        endpoints.sort(EndpointChanges.ORDER);
        return List.copyOf(endpoints);
    }
}
