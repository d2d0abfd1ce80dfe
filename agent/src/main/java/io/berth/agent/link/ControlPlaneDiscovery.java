package io.berth.agent.link;

import io.berth.common.tls.CertificatePin;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds the CA of a control plane a join token pins, before anything is sent to it (kubeadm's token discovery): a TLS
 * handshake alone, which accepts whatever chain the server presents only to look at it, then closes; no HTTP request
 * is made. The join then trusts the certificate of that chain whose key has the pin, and that alone.
 */
public final class ControlPlaneDiscovery
{
    private ControlPlaneDiscovery() {}

    /** The pinned certificate of the chain the control plane presents, or ControlPlaneRefusedException when none has the pin. */
    public static X509Certificate pinnedCertificate(URI controlPlane, CertificatePin pin, Duration timeout)
    {
        List<X509Certificate> chain = presentedChain(controlPlane, timeout);
        Optional<X509Certificate> pinned = chain.stream().filter(pin::matches).findFirst();
        if (pinned.isEmpty()) {
            String presented = chain.isEmpty() ? "no certificate" : "a chain ending at " + CertificatePin.of(chain.getLast()) + " (" + chain.getLast().getSubjectX500Principal() + ")";
            throw new UntrustedControlPlaneException("the server at " + controlPlane + " presented " + presented + ", but the join token pins " + pin
                    + ": it is not the control plane the token is for, so nothing was sent to it (check --join, or get a new token with `berth host token`)");
        }
        return pinned.get();
    }

    private static List<X509Certificate> presentedChain(URI controlPlane, Duration timeout)
    {
        if (!"https".equalsIgnoreCase(controlPlane.getScheme())) {
            throw new UntrustedControlPlaneException("the join token pins the control plane's CA, but " + controlPlane
                    + " is not an https:// URL: join with the https:// URL `berth server` printed");
        }
        String host = controlPlane.getHost();
        int port = controlPlane.getPort() == -1 ? 443 : controlPlane.getPort();
        AtomicReference<X509Certificate[]> presented = new AtomicReference<>(new X509Certificate[0]);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new LookingTrustManager(presented)}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                int millis = (int) Math.max(1, timeout.toMillis());
                socket.setSoTimeout(millis);
                String unbracketed = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                socket.connect(new InetSocketAddress(unbracketed, port), millis);
                if (!unbracketed.contains(":") && !unbracketed.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(unbracketed)));
                    socket.setSSLParameters(parameters);
                }
                socket.startHandshake();
            }
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a TLS context: " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot reach the control plane at " + controlPlane + " to check its CA: " + e.getMessage(), e);
        }
        return List.of(presented.get());
    }

    /** Records the server's chain and accepts it: it is checked against the pin before anything is sent. */
    private record LookingTrustManager(AtomicReference<X509Certificate[]> presented)
            implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
        {
            throw new UnsupportedOperationException("a client's trust manager checks no clients");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
        {
            presented.set(chain.clone());
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
