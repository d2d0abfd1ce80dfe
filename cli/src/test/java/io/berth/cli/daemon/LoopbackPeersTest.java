package io.berth.cli.daemon;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackPeersTest
{
    private static final List<String> PROC_NET_TCP = List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:9A41 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0",
            // the daemon's end of the connection (local 39489) and the client's (local 51000), owned by uid 1000
            "   1: 0100007F:9A41 0100007F:C738 01 00000000:00000000 00:00000000 00000000     0        0 1235 1 0000000000000000 20 4 30 10 -1",
            "   2: 0100007F:C738 0100007F:9A41 01 00000000:00000000 00:00000000 00000000  1000        0 1236 1 0000000000000000 20 4 30 10 -1");

    @Test
    void findsTheClientsEndOfTheConnection()
    {
        assertThat(LoopbackPeers.ownerOf(PROC_NET_TCP, 51000, 39489)).hasValue(1000);
        assertThat(LoopbackPeers.ownerOf(PROC_NET_TCP, 51001, 39489)).isEmpty();
    }
}
