package io.berth.controlplane.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodedBodiesTest
{
    record Point(int x, int y) {}

    @Test
    void anEqualTextGivesTheRecordDecodedBeforeAndAnotherTextItsOwn()
    {
        DecodedBodies<Point> decoded = new DecodedBodies<>(Point.class, 4);

        Point first = decoded.read("{\"x\": 1, \"y\": 2}");
        // a new String of equal text, as a new read of the row gives
        Point again = decoded.read(new String("{\"x\": 1, \"y\": 2}".toCharArray()));
        Point other = decoded.read("{\"x\": 1, \"y\": 3}");

        assertThat(again).isSameAs(first);
        assertThat(other).isEqualTo(new Point(1, 3));
    }

    @Test
    void theLeastRecentlyUsedGoPastCapacity()
    {
        DecodedBodies<Point> decoded = new DecodedBodies<>(Point.class, 2);
        Point one = decoded.read("{\"x\": 1, \"y\": 1}");
        decoded.read("{\"x\": 2, \"y\": 2}");
        decoded.read("{\"x\": 1, \"y\": 1}");
        decoded.read("{\"x\": 3, \"y\": 3}");

        assertThat(decoded.size()).isEqualTo(2);
        assertThat(decoded.read("{\"x\": 1, \"y\": 1}")).as("used last, kept").isSameAs(one);
    }

    @Test
    void anUndecodableBodyIsAStoreErrorAndIsNotKept()
    {
        DecodedBodies<Point> decoded = new DecodedBodies<>(Point.class, 2);

        assertThatThrownBy(() -> decoded.read("{\"x\": ")).isInstanceOf(StoreException.class).hasMessageContaining("Point");
        assertThat(decoded.size()).isZero();
    }
}
