package io.berth.agent.images;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizesTest
{
    @Test
    void parsesBinaryUnits()
    {
        assertThat(ByteSizes.parse("10GiB")).isEqualTo(10L << 30);
        assertThat(ByteSizes.parse("500MiB")).isEqualTo(500L << 20);
        assertThat(ByteSizes.parse("64 KiB")).isEqualTo(64L << 10);
        assertThat(ByteSizes.parse("1TiB")).isEqualTo(1L << 40);
        assertThat(ByteSizes.parse("4096")).isEqualTo(4096);
    }

    @Test
    void refusesWhatItWouldHaveToGuess()
    {
        for (String text : new String[] {"10GB", "10G", "-1MiB", "0", "", "1.5GiB", "99999999999999TiB"}) {
            assertThatThrownBy(() -> ByteSizes.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid size");
        }
    }

    @Test
    void formatsWithTheLargestExactUnit()
    {
        assertThat(ByteSizes.format(10L << 30)).isEqualTo("10 GiB");
        assertThat(ByteSizes.format(1536L << 20)).isEqualTo("1536 MiB");
        assertThat(ByteSizes.format(1000)).isEqualTo("1000 B");
    }
}
