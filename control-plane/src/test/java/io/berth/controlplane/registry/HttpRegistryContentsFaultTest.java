package io.berth.controlplane.registry;

import io.berth.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Faults of the registry behind the ECR API: each ends as RegistryUnavailableException within its deadline. */
class HttpRegistryContentsFaultTest
{
    @TempDir
    Path directory;

    @Test
    void aRegistryThatNeverAnswersMissesItsDeadline()
            throws Exception
    {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                }
                catch (IOException e) {
                    // closed at the end of the test
                }
            });
            HttpRegistryContents contents = contents("127.0.0.1:" + silent.getLocalPort());
            long start = System.nanoTime();
            assertThatThrownBy(() -> contents.images("111111111111/app")).isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("did not answer");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            acceptor.interrupt();
        }
    }

    @Test
    void aRegistryThatStallsMidAnswerMissesItsDeadline()
            throws Exception
    {
        try (ServerSocket stalling = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = stalling.accept()) {
                    InputStream in = socket.getInputStream();
                    in.read(new byte[8192]);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/json\r\n\r\n{\"tags\":".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(30_000);
                }
                catch (IOException | InterruptedException e) {
                    // the client gave up, as it should
                }
            });
            HttpRegistryContents contents = contents("127.0.0.1:" + stalling.getLocalPort());
            assertThatThrownBy(() -> contents.images("111111111111/app")).isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("within");
        }
    }

    @Test
    void aRegistryThatIsDownIsUnavailable()
            throws Exception
    {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        HttpRegistryContents contents = contents("127.0.0.1:" + port);
        assertThatThrownBy(() -> contents.deleteManifest("111111111111/app", "sha256:" + "0".repeat(64))).isInstanceOf(RegistryUnavailableException.class);
    }

    private HttpRegistryContents contents(String address)
            throws IOException
    {
        RegistryTokens tokens = new RegistryTokens(RegistrySigningKey.loadOrCreate(directory.resolve("key")), new ManualClock());
        return new HttpRegistryContents(address, tokens, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }
}
