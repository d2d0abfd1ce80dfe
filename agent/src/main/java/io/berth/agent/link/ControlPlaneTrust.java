package io.berth.agent.link;

import io.berth.common.tls.PemCertificates;
import io.berth.common.tls.TrustedCertificates;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The CA this agent trusts its control plane by, kept in the agent's data directory (DIR/control-plane-ca.pem):
 * the one whose pin the join token carried, saved at the join, so that a restarted agent trusts that CA alone.
 * Without it (a control plane joined over plain HTTP, or with a token without a pin) the system's CAs are trusted.
 */
public final class ControlPlaneTrust
{
    public static final String FILE_NAME = "control-plane-ca.pem";

    private ControlPlaneTrust() {}

    public static void save(Path agentDirectory, List<X509Certificate> anchors)
            throws IOException
    {
        Files.createDirectories(agentDirectory);
        Path file = agentDirectory.resolve(FILE_NAME);
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        Files.writeString(temporary, PemCertificates.encode(anchors));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static void forget(Path agentDirectory)
            throws IOException
    {
        Files.deleteIfExists(agentDirectory.resolve(FILE_NAME));
    }

    public static Optional<List<X509Certificate>> load(Path agentDirectory)
            throws IOException
    {
        Path file = agentDirectory.resolve(FILE_NAME);
        return Files.exists(file) ? Optional.of(PemCertificates.read(file)) : Optional.empty();
    }

    /** Trusts the saved CA alone, or (none saved) the system's CAs. */
    public static SSLContext sslContext(Path agentDirectory)
            throws IOException
    {
        Optional<List<X509Certificate>> anchors = load(agentDirectory);
        return anchors.isPresent() ? TrustedCertificates.only(anchors.get()) : TrustedCertificates.withSystem(List.of());
    }
}
