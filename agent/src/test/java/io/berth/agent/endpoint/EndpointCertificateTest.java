package io.berth.agent.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent endpoint's certificate when the control plane cannot issue one (the issuing itself is tested end to end in TlsEndToEndTest). */
class EndpointCertificateTest
{
    @TempDir
    Path directory;

    @Test
    void withoutAnIssuedOrAKeptCertificateTheEndpointDoesNotStartAndSaysWhy()
    {
        assertThatThrownBy(() -> EndpointCertificate.obtain(directory, "10.0.0.1", (publicKey, address) -> {
            throw new UncheckedIOException(new IOException("cannot reach the control plane at https://10.0.0.9:8686"));
        }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the agent endpoint has no certificate")
                .hasMessageContaining("cannot reach the control plane");
        assertThatThrownBy(() -> EndpointCertificate.obtain(directory, "10.0.0.1", (publicKey, address) -> java.util.List.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("another key than the agent's");
    }
}
