package io.berth.common.tls;

import org.junit.jupiter.api.Test;

import javax.net.ssl.X509TrustManager;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedCertificatesTest
{
    @Test
    void aBundleThatIsNotPemIsRefusedWithItsName()
            throws Exception
    {
        Path file = Files.createTempFile("berth-ca", ".pem");
        try {
            Files.writeString(file, "not a certificate");
            assertThatThrownBy(() -> TrustedCertificates.withSystem(file)).hasMessageContaining(file.toString());
        }
        finally {
            Files.delete(file);
        }
    }

    @Test
    void withoutABundleTheSystemsCasAreTrusted()
            throws Exception
    {
        assertThat(TrustedCertificates.withSystem((Path) null).getProtocol()).isEqualTo("TLS");
    }

    @Test
    void theSystemsCasAreReadOnlyForAChainTheAnchorsDoNotTrust()
            throws Exception
    {
        X509Certificate anchor = certificate("anchor-ca.pem");
        X509Certificate other = certificate("other-ca.pem");
        AtomicInteger systemsMade = new AtomicInteger();
        X509TrustManager trust = TrustedCertificates.anchorsThenSystem(List.of(anchor), () -> {
            systemsMade.incrementAndGet();
            return new RefusingTrustManager();
        });

        trust.checkServerTrusted(new X509Certificate[] {anchor}, "EC");
        assertThat(systemsMade).hasValue(0);

        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {other}, "EC")).isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {other}, "EC")).isInstanceOf(CertificateException.class);
        assertThat(systemsMade).as("made once, then kept").hasValue(1);
    }

    /** Stands in for the system's CAs, which trust neither test CA. */
    private static final class RefusingTrustManager
            implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException
        {
            throw new CertificateException("not trusted by the system stand-in");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws CertificateException
        {
            throw new CertificateException("not trusted by the system stand-in");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }

    private static X509Certificate certificate(String resource)
            throws Exception
    {
        return PemCertificates.read(resourcePath(resource)).getFirst();
    }

    private static Path resourcePath(String resource)
            throws URISyntaxException
    {
        return Path.of(TrustedCertificatesTest.class.getResource(resource).toURI());
    }
}
