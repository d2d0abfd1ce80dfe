package io.berth.cli.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Whose a loopback TCP connection is: the uid that /proc/net/tcp gives the client's end. The token already keeps
 * other users out; this keeps them out too should the token ever leak (a copy of the file, a backup).
 */
final class LoopbackPeers
{
    private LoopbackPeers() {}

    /** The uid owning the other end of this accepted loopback connection, if /proc/net/tcp shows it. */
    static OptionalInt ownerOf(Socket accepted)
            throws IOException
    {
        InetSocketAddress remote = (InetSocketAddress) accepted.getRemoteSocketAddress();
        InetSocketAddress local = (InetSocketAddress) accepted.getLocalSocketAddress();
        return ownerOf(Files.readAllLines(Path.of("/proc/net/tcp")), remote.getPort(), local.getPort());
    }

    /** From the lines of /proc/net/tcp: the uid of the socket 127.0.0.1:clientPort connected to 127.0.0.1:serverPort. */
    static OptionalInt ownerOf(List<String> procNetTcp, int clientPort, int serverPort)
    {
        String clientEnd = String.format(Locale.ROOT, "0100007F:%04X", clientPort);
        String serverEnd = String.format(Locale.ROOT, "0100007F:%04X", serverPort);
        String pair = clientEnd + " " + serverEnd;
        for (String line : procNetTcp) {
            // a machine with many connections has many lines: only the one naming both ends is split
            if (!line.contains(pair)) {
                continue;
            }
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
            String[] columns = line.strip().split("\\s+");
            if (columns.length > 7 && columns[1].equals(clientEnd) && columns[2].equals(serverEnd)) {
                try {
                    return OptionalInt.of(Integer.parseInt(columns[7]));
                }
                catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }
}
