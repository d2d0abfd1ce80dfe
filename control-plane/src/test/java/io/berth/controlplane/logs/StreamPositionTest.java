package io.berth.controlplane.logs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamPositionTest
{
    @Test
    void tokensAre56DigitsAfterTheDirection()
    {
        assertThat(StreamPosition.forwardFrom(0).token()).isEqualTo("f/" + "0".repeat(56));
        assertThat(StreamPosition.backwardFrom(42).token()).isEqualTo("b/" + "0".repeat(54) + "42");
    }

    @Test
    void tokensParseBackToTheirPosition()
    {
        StreamPosition forward = StreamPosition.forwardFrom(123_456_789L);
        assertThat(StreamPosition.parse(forward.token())).isEqualTo(forward);
        StreamPosition backward = StreamPosition.backwardFrom(7);
        assertThat(StreamPosition.parse(backward.token())).isEqualTo(backward);
    }

    @Test
    void foreignTokensAreInvalidParameters()
    {
        for (String token : new String[] {"", "x/1", "f/", "f/-1", "f/12a", "f/" + "9".repeat(57), "f/" + "9".repeat(56)}) {
            assertThatThrownBy(() -> StreamPosition.parse(token)).as(token).isInstanceOf(LogsException.class)
                    .hasMessage("The specified nextToken is invalid.");
        }
    }

    @Test
    void filterPositionsRoundTripAndRefuseOtherTokens()
    {
        FilterPosition position = new FilterPosition(1_700_000_000_000L, "web/main:odd", 12);
        assertThat(FilterPosition.parse(position.token())).isEqualTo(position);
        assertThatThrownBy(() -> FilterPosition.parse("bm90LW91cnM")).isInstanceOf(LogsException.class);
        assertThatThrownBy(() -> FilterPosition.parse("%%%")).isInstanceOf(LogsException.class);
    }
}
