package io.berth.cli.client;

import io.berth.controlplane.tls.ClusterCertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedHttpClientsTest
{
    @TempDir
    Path directory;

    @Test
    void commandsTrustingTheSameBundleShareOneClientAndABundleWithAnotherCaGetsItsOwn()
            throws Exception
    {
        Path bundle = directory.resolve("ca.pem");
        Files.copy(ClusterCertificateAuthority.loadOrCreate(directory.resolve("first"), Clock.systemUTC()).certificateFile(), bundle);
        try (SharedHttpClients shared = new SharedHttpClients()) {
            HttpClient first = shared.trusting(bundle);
            assertThat(shared.trusting(bundle)).isSameAs(first);
            assertThat(shared.trusting(null)).isNotSameAs(first).isSameAs(shared.trusting(null));

            // a new `berth up` wrote another CA to the same path: the old client's trust does not serve it
            Files.copy(ClusterCertificateAuthority.loadOrCreate(directory.resolve("second"), Clock.systemUTC()).certificateFile(), bundle,
                    StandardCopyOption.REPLACE_EXISTING);
            assertThat(shared.trusting(bundle)).isNotSameAs(first);
        }
    }

    @Test
    void aMissingBundleIsNamedInTheError()
    {
        try (SharedHttpClients shared = new SharedHttpClients()) {
            assertThatThrownBy(() -> shared.trusting(directory.resolve("missing.pem")))
                    .isInstanceOf(BerthClientException.class)
                    .hasMessageContaining("AWS_CA_BUNDLE")
                    .hasMessageContaining("missing.pem");
        }
    }
}
