package io.berth.controlplane.scheduler;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterQueryParserTest
{
    private static final Map<String, String> ZONE_A_SSD = Map.of("ecs.availability-zone", "us-east-1a", "disk", "ssd");

    private static boolean matches(String expression, Map<String, String> attributes)
    {
        return ClusterQueryParser.parse(expression).test("host-1", attributes);
    }

    @Test
    void comparisons()
    {
        assertThat(matches("attribute:disk == ssd", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:disk == hdd", ZONE_A_SSD)).isFalse();
        assertThat(matches("attribute:disk != hdd", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:disk == 'ssd'", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:disk==\"ssd\"", ZONE_A_SSD)).isTrue();
    }

    @Test
    void lists()
    {
        assertThat(matches("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:ecs.availability-zone in [us-east-1c]", ZONE_A_SSD)).isFalse();
        assertThat(matches("attribute:ecs.availability-zone not in [us-east-1c, us-east-1d]", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:ecs.availability-zone NOT IN [us-east-1a]", ZONE_A_SSD)).isFalse();
    }

    @Test
    void existence()
    {
        assertThat(matches("attribute:disk exists", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:gpu exists", ZONE_A_SSD)).isFalse();
        assertThat(matches("attribute:gpu !exists", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:gpu not exists", ZONE_A_SSD)).isTrue();
    }

    @Test
    void missingAttributesFailEqualityAndPassInequality()
    {
        assertThat(matches("attribute:gpu == yes", Map.of())).isFalse();
        assertThat(matches("attribute:gpu != yes", Map.of())).isTrue();
        assertThat(matches("attribute:gpu in [yes]", Map.of())).isFalse();
        assertThat(matches("attribute:gpu not in [yes]", Map.of())).isTrue();
    }

    @Test
    void booleanOperatorsWithPrecedenceAndParentheses()
    {
        // and binds tighter than or
        assertThat(matches("attribute:disk == hdd and attribute:gpu exists or attribute:disk == ssd", ZONE_A_SSD)).isTrue();
        assertThat(matches("attribute:disk == hdd and (attribute:gpu exists or attribute:disk == ssd)", ZONE_A_SSD)).isFalse();
        assertThat(matches("not attribute:disk == hdd && attribute:disk == ssd", ZONE_A_SSD)).isTrue();
        assertThat(matches("!(attribute:disk == ssd) || attribute:gpu exists", ZONE_A_SSD)).isFalse();
    }

    @Test
    void instanceIdIsTheHostId()
    {
        assertThat(matches("instanceId == host-1", Map.of())).isTrue();
        assertThat(matches("ec2InstanceId in [host-2, host-3]", Map.of())).isFalse();
    }

    @Test
    void errorsSayWhatIsWrongAndWhere()
    {
        assertThatThrownBy(() -> ClusterQueryParser.parse("attribute:disk = ssd"))
                .isInstanceOf(PlacementExpressionException.class)
                .hasMessageStartingWith("Cannot parse memberOf expression 'attribute:disk = ssd': unexpected '=' at position 16");
        assertThatThrownBy(() -> ClusterQueryParser.parse("attribute:disk == ssd and"))
                .hasMessageStartingWith("Cannot parse memberOf expression 'attribute:disk == ssd and': expected attribute:NAME or instanceId at the end");
        assertThatThrownBy(() -> ClusterQueryParser.parse("attribute:zone in [a, b"))
                .hasMessageContaining("expected ']' at the end");
        assertThatThrownBy(() -> ClusterQueryParser.parse("(attribute:zone == a"))
                .hasMessageContaining("expected ')' at the end");
        assertThatThrownBy(() -> ClusterQueryParser.parse("zone == a"))
                .hasMessageContaining("expected attribute:NAME or instanceId at position 1");
        assertThatThrownBy(() -> ClusterQueryParser.parse("attribute:zone == a b"))
                .hasMessageContaining("unexpected 'b' at position 21");
        assertThatThrownBy(() -> ClusterQueryParser.parse("attribute:zone == 'a"))
                .hasMessageContaining("the quote at position 19 is never closed");
        assertThatThrownBy(() -> ClusterQueryParser.parse("attribute:zone"))
                .hasMessageContaining("expected ==, !=, in, not in or exists after the attribute at the end");
        assertThatThrownBy(() -> ClusterQueryParser.parse("  "))
                .hasMessageStartingWith("memberOf needs an expression");
    }
}
