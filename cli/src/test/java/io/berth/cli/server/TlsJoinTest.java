package io.berth.cli.server;

import io.berth.agent.link.ControlPlaneJoin;
import io.berth.agent.link.ControlPlaneTrust;
import io.berth.agent.link.HttpControlPlaneLink;
import io.berth.agent.link.UntrustedControlPlaneException;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.tls.CertificatePin;
import io.berth.controlplane.metering.MeteringConfig;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import io.berth.controlplane.tls.ServerTls;
import io.berth.testing.RecordingHttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An agent joins a `berth server` that serves TLS by the pin in its token: it checks the server's CA before it sends
 * anything, and sends nothing to a server whose CA has another pin.
 */
class TlsJoinTest
{
    @TempDir
    static Path directory;

    private static BerthServer server;

    @BeforeAll
    static void start()
            throws Exception
    {
        server = new BerthServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, null, "us-east-1", Duration.ofHours(1), null, MeteringConfig.DEFAULTS,
                ServerConfig.Tls.CLUSTER_CA), Clock.systemUTC());
        server.start();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void theServerServesHttpsAndBerthEnvNamesItsCa()
            throws Exception
    {
        assertThat(server.endpoint().getScheme()).isEqualTo("https");
        assertThat(server.caBundle()).isEqualTo(directory.resolve("server/tls/ca.pem"));
        assertThat(Files.readString(server.environmentFile()))
                .contains("export AWS_ENDPOINT_URL=" + server.endpoint())
                .contains("export AWS_CA_BUNDLE=" + server.caBundle());
    }

    @Test
    void anAgentJoinsByThePinInItsTokenAndThenTrustsThatCaAlone()
            throws Exception
    {
        String token = server.controlPlane().hostAccess().issueJoinToken(Optional.empty()).token();
        assertThat(JoinTokenText.parse(token).pin()).contains(server.certificatePin());
        Path agent = directory.resolve("agent");

        HostCredential credential = ControlPlaneJoin.join(server.endpoint(), token, agent);

        assertThat(ControlPlaneTrust.load(agent).orElseThrow()).hasSize(1)
                .allSatisfy(certificate -> assertThat(CertificatePin.of(certificate)).isEqualTo(server.certificatePin()));
        new HttpControlPlaneLink(server.endpoint(), credential, ControlPlaneTrust.sslContext(agent)).verifyCredential();
    }

    @Test
    void aServerWhoseCaHasAnotherPinIsSentNothing()
            throws Exception
    {
        String token = server.controlPlane().hostAccess().issueJoinToken(Optional.empty()).token();
        ServerTls impostor = ClusterCertificateAuthority.loadOrCreate(directory.resolve("impostor"), Clock.systemUTC()).issueServerCertificate(Set.of("127.0.0.1"));
        try (RecordingHttpsServer recorder = RecordingHttpsServer.start(impostor.sslContext())) {
            Path agent = directory.resolve("deceived-agent");

            assertThatThrownBy(() -> ControlPlaneJoin.join(recorder.endpoint(), token, agent))
                    .isInstanceOf(UntrustedControlPlaneException.class)
                    .hasMessageContaining("the join token pins " + server.certificatePin())
                    .hasMessageContaining("nothing was sent to it");
            assertThat(recorder.received()).as("what the impostor received").isEmpty();
            assertThat(ControlPlaneTrust.load(agent)).isEmpty();
        }
    }
}
