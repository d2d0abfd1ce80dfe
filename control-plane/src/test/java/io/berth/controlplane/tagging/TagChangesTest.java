package io.berth.controlplane.tagging;

import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagChangesTest
{
    private static final Tag MANAGED = new Tag("aws:ecs:clusterName", "prod");

    @Test
    void taggingSetsExistingKeysAndAddsNewOnesBeforeTheManagedTags()
    {
        List<Tag> current = List.of(new Tag("team", "a"), new Tag("env", "dev"), MANAGED);

        assertThat(TagChanges.tag(current, List.of(new Tag("env", "prod"), new Tag("cost", "7"))))
                .containsExactly(new Tag("team", "a"), new Tag("env", "prod"), new Tag("cost", "7"), MANAGED);
    }

    @Test
    void untaggingRemovesTheKeysGivenAndIgnoresAbsentOnes()
    {
        List<Tag> current = List.of(new Tag("team", "a"), new Tag("env", "dev"), MANAGED);

        assertThat(TagChanges.untag(current, List.of("team", "absent"))).containsExactly(new Tag("env", "dev"), MANAGED);
    }

    @Test
    void fiftyUserTagsFitBesideTheManagedOnesAndFiftyOneDoNot()
    {
        List<Tag> fortyNine = IntStream.range(0, 49).mapToObj(i -> new Tag("k" + i, "v")).toList();
        List<Tag> current = new java.util.ArrayList<>(fortyNine);
        current.add(MANAGED);

        assertThat(TagChanges.tag(current, List.of(new Tag("k49", "v")))).hasSize(51);
        assertThatThrownBy(() -> TagChanges.tag(TagChanges.tag(current, List.of(new Tag("k49", "v"))), List.of(new Tag("k50", "v"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("at most 50 tags");
    }

    @Test
    void reservedAndMalformedKeysAreRefused()
    {
        assertThatThrownBy(() -> TagChanges.tag(List.of(), List.of(new Tag("Aws:x", "v")))).hasMessageContaining("reserved for AWS use");
        assertThatThrownBy(() -> TagChanges.untag(List.of(MANAGED), List.of("aws:ecs:clusterName"))).hasMessageContaining("reserved for AWS use");
        assertThatThrownBy(() -> TagChanges.tag(List.of(), List.of(new Tag("", "v")))).hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> TagChanges.tag(List.of(), List.of(new Tag("k", "v".repeat(257))))).hasMessageContaining("256");
        assertThatThrownBy(() -> TagChanges.tag(List.of(), List.of())).hasMessageContaining("tags can not be empty");
        assertThatThrownBy(() -> TagChanges.untag(List.of(), List.of())).hasMessageContaining("tagKeys can not be empty");
    }
}
