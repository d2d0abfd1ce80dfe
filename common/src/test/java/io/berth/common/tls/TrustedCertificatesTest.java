package io.berth.common.tls;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
