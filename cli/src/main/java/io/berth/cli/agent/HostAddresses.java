package io.berth.cli.agent;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;

/** Finds the address of this host that a control plane can reach it at. */
final class HostAddresses
{
    private HostAddresses() {}

    /**
     * The local address this host's packets to the control plane leave from: the route the kernel picks. No
     * packet is sent (a UDP "connect" only chooses the route).
     */
    static String towards(URI controlPlane)
    {
        try (DatagramSocket socket = new DatagramSocket()) {
            int port = controlPlane.getPort() > 0 ? controlPlane.getPort() : 80;
            socket.connect(InetAddress.getByName(controlPlane.getHost()), port);
            InetAddress local = socket.getLocalAddress();
            if (local != null && !local.isAnyLocalAddress()) {
                return local.getHostAddress();
            }
        }
        catch (IOException e) {
            // fall through: no route known
        }
        return "127.0.0.1";
    }
}
