package io.berth.controlplane.api.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Binding before serving: the port is known (for a registry that names it) before the first request is answered. */
class ApiServerBindTest
{
    @Test
    void aBoundServerKnowsItsPortAndServesOnItOnceStarted()
            throws Exception
    {
        ApiServer server = new ApiServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), accessKeyId -> Optional.empty(), List.of(), List.of(),
                Clock.systemUTC(), ApiServer.DEFAULT_MAX_BODY_BYTES);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            server.bind();
            int port = server.port();
            assertThat(port).isPositive();
            assertThatThrownBy(() -> server.mount("/berth/late/", exchange -> {})).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(server::bind).isInstanceOf(IllegalStateException.class);

            server.start();
            assertThat(server.port()).isEqualTo(port);
            HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            // answered by the API: an unsigned request is refused in the AWS error shape
            assertThat(unsigned.statusCode()).isEqualTo(400);
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        }
        finally {
            server.close();
        }
    }
}
