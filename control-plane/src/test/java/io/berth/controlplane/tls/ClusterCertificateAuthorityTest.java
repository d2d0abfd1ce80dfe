package io.berth.controlplane.tls;

import io.berth.common.tls.CertificatePin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterCertificateAuthorityTest
{
    @TempDir
    Path directory;

    @Test
    void isMadeOnceWithAKeyOnlyItsOwnerReadsAndKeptAcrossRestarts()
            throws Exception
    {
        ClusterCertificateAuthority first = ClusterCertificateAuthority.loadOrCreate(directory, Clock.systemUTC());
        ClusterCertificateAuthority again = ClusterCertificateAuthority.loadOrCreate(directory, Clock.systemUTC());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(ClusterCertificateAuthority.KEY_FILE)))).isEqualTo("rw-------");
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(first.certificate().getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);
    }

    @Test
    void signsAServerCertificateForEachNameWithTheCaAfterItInTheChain()
            throws Exception
    {
        ClusterCertificateAuthority authority = ClusterCertificateAuthority.loadOrCreate(directory, Clock.systemUTC());

        ServerTls tls = authority.issueServerCertificate(Set.of("127.0.0.1", "::1", "localhost", "berth.example"));

        X509Certificate server = tls.chain().getFirst();
        server.verify(authority.certificate().getPublicKey());
        assertThat(server.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(server.getSubjectAlternativeNames()).extracting(name -> (Object) name.get(1))
                .containsExactlyInAnyOrder((Object) "127.0.0.1", "0:0:0:0:0:0:0:1", "localhost", "berth.example");
        assertThat(tls.chain().getLast()).isEqualTo(authority.certificate());
        assertThat(tls.pin()).as("join tokens pin the CA, which outlives the server certificate").isEqualTo(CertificatePin.of(authority.certificate()));
    }

    @Test
    void signsAnAgentsCertificateForItsOwnKeyAndAddressNamingItsHost()
            throws Exception
    {
        ClusterCertificateAuthority authority = ClusterCertificateAuthority.loadOrCreate(directory, Clock.systemUTC());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair agentKey = generator.generateKeyPair();

        List<X509Certificate> chain = authority.issueAgentCertificate("host-1", "10.1.2.3", agentKey.getPublic());

        X509Certificate agent = chain.getFirst();
        agent.verify(authority.certificate().getPublicKey());
        assertThat(agent.getPublicKey()).isEqualTo(agentKey.getPublic());
        assertThat(agent.getSubjectX500Principal().getName()).isEqualTo("CN=" + ClusterCertificateAuthority.agentCommonName("host-1"));
        assertThat(agent.getSubjectAlternativeNames()).extracting(name -> (Object) name.get(1)).containsExactly((Object) "10.1.2.3");
        assertThat(agent.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(chain.getLast()).isEqualTo(authority.certificate());
    }

    @Test
    void theOperatorsCertificateAndKeyAreReadAndAKeyOfAnotherCertificateIsRefused()
            throws Exception
    {
        ClusterCertificateAuthority authority = ClusterCertificateAuthority.loadOrCreate(directory.resolve("ca"), Clock.systemUTC());
        ClusterCertificateAuthority other = ClusterCertificateAuthority.loadOrCreate(directory.resolve("other"), Clock.systemUTC());
        Path certificate = directory.resolve("ca/ca.pem");

        ServerTls own = ServerTls.fromFiles(certificate, directory.resolve("ca/ca.key"));

        assertThat(own.chain()).containsExactly(authority.certificate());
        assertThatThrownBy(() -> ServerTls.fromFiles(certificate, directory.resolve("other/ca.key")))
                .hasMessageContaining("is not the key of the first certificate");
        assertThat(other.certificate()).isNotEqualTo(authority.certificate());
        assertThat(List.of(own.pin())).containsExactly(CertificatePin.of(authority.certificate()));
    }
}
