package io.berth.controlplane.resources;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagRulesTest
{
    @Test
    void validTagsAreKeptInOrder()
    {
        List<Tag> tags = List.of(new Tag("team", "payments"), new Tag("cost-center", null), new Tag("a b_c.d:e/f=g+h-i@j", "ü 1"));
        assertThat(TagRules.check(tags)).containsExactly(new Tag("team", "payments"), new Tag("cost-center", ""), new Tag("a b_c.d:e/f=g+h-i@j", "ü 1"));
        assertThat(TagRules.check(null)).isEmpty();
    }

    @Test
    void ecsRulesAreEnforced()
    {
        assertInvalid(List.of(new Tag("", "x")), "1 to 128");
        assertInvalid(List.of(new Tag("k".repeat(129), "x")), "1 to 128");
        assertInvalid(List.of(new Tag("k", "v".repeat(257))), "at most 256");
        assertInvalid(List.of(new Tag("semi;colon", "x")), "letters, digits");
        assertInvalid(List.of(new Tag("k", "<script>")), "letters, digits");
        assertInvalid(List.of(new Tag("AWS:team", "x")), "reserved for AWS");
        assertInvalid(List.of(new Tag("k", "1"), new Tag("k", "2")), "Duplicate tag key 'k'");
        List<Tag> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(new Tag("k" + i, ""));
        }
        assertInvalid(many, "at most 50 tags");
        assertThat(TagRules.check(many.subList(0, 50))).hasSize(50);
    }

    private static void assertInvalid(List<Tag> tags, String message)
    {
        assertThatThrownBy(() -> TagRules.check(tags))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.INVALID_VALUE))
                .hasMessageContaining(message);
    }
}
