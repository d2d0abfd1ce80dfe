package io.berth.common.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * A free port for a program that binds it later (a registry started seconds after its port is chosen, a server
 * process told its port on its command line). The port is one the kernel never hands out by itself: a port of the
 * ephemeral range can be taken meanwhile by any outgoing connection or any listener asking for port 0 on the machine
 * (CI saw a fleet's registry fail to start so), a port outside it only by a program that names it.
 */
public final class FreePorts
{
    private static final Path EPHEMERAL_PORT_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;
    private static final int LAST_PORT = 65535;
    private static final int ATTEMPTS = 50;

    private FreePorts() {}

    /** A port free on address now, outside the kernel's ephemeral range when any is free there. */
    public static int outsideEphemeralRange(InetAddress address)
    {
        try {
            return outsideRange(address, ephemeralRange(), ThreadLocalRandom.current());
        }
        catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address.getHostAddress(), e);
        }
    }

    /** range: the first and last port the kernel hands out; random chooses among the unprivileged ports outside it. */
    static int outsideRange(InetAddress address, int[] range, RandomGenerator random)
            throws IOException
    {
        int below = Math.max(0, range[0] - FIRST_UNPRIVILEGED_PORT);
        int above = Math.max(0, LAST_PORT - range[1]);
        if (below + above > 0) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int pick = random.nextInt(below + above);
                int candidate = pick < below ? FIRST_UNPRIVILEGED_PORT + pick : range[1] + 1 + (pick - below);
                try (ServerSocket socket = new ServerSocket(candidate, 1, address)) {
                    return socket.getLocalPort();
                }
                catch (BindException e) {
                    // in use: another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        }
    }

    /** The kernel's ip_local_port_range; Linux's default when it cannot be read. */
    static int[] ephemeralRange()
    {
        try {
            String[] bounds = Files.readString(EPHEMERAL_PORT_RANGE).trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        }
        catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999};
        }
    }
}
