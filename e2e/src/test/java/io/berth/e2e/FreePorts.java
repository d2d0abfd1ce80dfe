package io.berth.e2e;

import java.net.InetAddress;

final class FreePorts
{
    private FreePorts() {}

    /** A loopback port for a server the test starts later, outside the ephemeral range (see the common FreePorts). */
    static int any()
    {
        return io.berth.common.network.FreePorts.outsideEphemeralRange(InetAddress.getLoopbackAddress());
    }
}
