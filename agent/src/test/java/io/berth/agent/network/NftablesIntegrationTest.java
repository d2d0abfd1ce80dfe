package io.berth.agent.network;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * libnftables in the agent's process, in a network namespace of the test's own: commands apply as nft's would, in
 * that namespace only, and a refused command fails with nft's own message. Needs root and libnftables1.
 */
class NftablesIntegrationTest
{
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private String namespace;
    private Nftables nftables;

    @BeforeEach
    void createNamespace()
            throws NetworkException
    {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        namespace = "berth-nft-" + HexFormat.of().formatHex(random);
        new NetworkCommands().run("create the test namespace", List.of(NetworkCommands.IP, "netns", "add", namespace));
        nftables = Nftables.open(Optional.of(Path.of("/run/netns", namespace)), DEADLINE).orElseThrow();
    }

    @AfterEach
    void removeNamespace()
            throws NetworkException
    {
        nftables.close();
        new NetworkCommands().run("delete the test namespace", List.of(NetworkCommands.IP, "netns", "delete", namespace));
    }

    @Test
    void appliesCommandsInItsNamespaceAsOneTransaction()
            throws Exception
    {
        nftables.run("add a table", """
                add table inet berth-nft-test
                add set inet berth-nft-test owners { type ipv4_addr; }
                add element inet berth-nft-test owners { 10.9.8.7 }
                """, DEADLINE);

        // the nft command in the same namespace sees what the library applied; this process's own namespace does not
        String listed = new NetworkCommands(List.of(NetworkCommands.IP, "netns", "exec", namespace)).run("list", List.of(NetworkCommands.NFT, "list", "table", "inet", "berth-nft-test"));
        assertThat(listed).contains("set owners").contains("10.9.8.7");
        assertThat(new NetworkCommands().run("list the host's tables", List.of(NetworkCommands.NFT, "list", "tables"))).doesNotContain("berth-nft-test");
        assertThat(nftables.run("list the set", "list set inet berth-nft-test owners", DEADLINE)).contains("10.9.8.7");

        // one transaction: a refused command leaves the whole batch out
        assertThatThrownBy(() -> nftables.run("add an element and a bad rule", """
                add element inet berth-nft-test owners { 10.9.8.8 }
                add rule inet berth-nft-test no-such-chain accept
                """, DEADLINE))
                .isInstanceOf(NetworkException.class)
                .hasMessageStartingWith("cannot add an element and a bad rule: ")
                .hasMessageContaining("No such file or directory");
        assertThat(nftables.run("list the set", "list set inet berth-nft-test owners", DEADLINE)).doesNotContain("10.9.8.8");
        assertThat(nftables.usable()).isTrue();
    }

    @Test
    void aCommandThatDoesNotParseFailsWithNftsMessage()
    {
        assertThatThrownBy(() -> nftables.run("apply nonsense", "add tabel inet x", DEADLINE))
                .isInstanceOf(NetworkException.class)
                .hasMessageStartingWith("cannot apply nonsense: ")
                .hasMessageContaining("syntax error");
    }
}
