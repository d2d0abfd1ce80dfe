package io.berth.common.network;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A port for a program that binds it later is one the kernel never hands out by itself, so that nothing asking for port 0 or
 * connecting out takes it between its pick and the registry's bind (CI saw a fleet's registry fail to start so).
 */
class FreePortsTest
{
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aPortIsPickedOutsideTheKernelsEphemeralRange()
            throws IOException
    {
        int[] range = FreePorts.ephemeralRange();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.outsideRange(LOOPBACK, range, random);
            assertThat(port).isBetween(1024, 65535);
            assertThat(port < range[0] || port > range[1]).as("port %d outside %d-%d", port, range[0], range[1]).isTrue();
        }
    }

    @Test
    void aPortInUseIsPassedOver()
            throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            int used = taken.getLocalPort();
            // with a range of only port 1024 the n-th pick is port 1025 + n: the first pick is the port in use
            int[] range = {1024, 1024};
            AtomicInteger picks = new AtomicInteger();
            RandomGenerator picksTheUsedPortFirst = new RandomGenerator()
            {
                @Override
                public long nextLong()
                {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int nextInt(int bound)
                {
                    return (used - 1025 + picks.getAndIncrement()) % bound;
                }
            };
            int port = FreePorts.outsideRange(LOOPBACK, range, picksTheUsedPortFirst);
            assertThat(port).isNotEqualTo(used);
            assertThat(picks.get()).isGreaterThan(1);
        }
    }
}
