package io.berth.agent.link;

import io.berth.common.tls.CertificatePin;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlPlaneDiscoveryTest
{
    private static final CertificatePin PIN = new CertificatePin("00".repeat(32));

    @Test
    void aServerThatAcceptsButNeverAnswersTheHandshakeFailsWithinTheDeadline()
            throws Exception
    {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(60_000);
                }
                catch (Exception e) {
                    // the test is over
                }
            });
            long started = System.nanoTime();

            assertThatThrownBy(() -> ControlPlaneDiscovery.pinnedCertificate(URI.create("https://127.0.0.1:" + silent.getLocalPort()), PIN, Duration.ofMillis(500)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("cannot reach the control plane at https://127.0.0.1:" + silent.getLocalPort() + " to check its CA");
            // well before the silent server lets go (60 s); the margin is for a cold JVM's first TLS set-up on a busy machine
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            acceptor.interrupt();
        }
    }

    @Test
    void aPinnedTokenWithAPlainHttpUrlIsRefusedBeforeAnyConnection()
    {
        assertThatThrownBy(() -> ControlPlaneDiscovery.pinnedCertificate(URI.create("http://127.0.0.1:1"), PIN, Duration.ofSeconds(1)))
                .isInstanceOf(UntrustedControlPlaneException.class)
                .hasMessageContaining("is not an https:// URL");
    }
}
