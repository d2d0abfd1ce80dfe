package io.berth.common.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * SSL contexts for clients of a Berth: trusting only given anchors (an agent that pinned its control plane's CA),
 * or those beside the system's CAs (the CLI and a registry client, which also reach public servers).
 */
public final class TrustedCertificates
{
    private TrustedCertificates() {}

    /** Trusts only anchors: a server whose chain does not end at one of them is refused. */
    public static SSLContext only(List<X509Certificate> anchors)
    {
        return context(List.of(trustManager(anchors)));
    }

    /** Trust managers trusting only anchors, for clients that take trust managers (the AWS SDK's HTTP clients). */
    public static TrustManager[] trustManagers(List<X509Certificate> anchors)
    {
        return new TrustManager[] {trustManager(List.copyOf(anchors))};
    }

    /**
     * Trusts the system's CAs and anchors besides. The system's CAs (the JDK's cacerts, some 150 certificates to
     * parse) are read only when a server's chain does not end at one of anchors: a CLI command talking to its own
     * Berth never pays for them.
     */
    public static SSLContext withSystem(List<X509Certificate> anchors)
    {
        if (anchors.isEmpty()) {
            return context(List.of(trustManager(null)));
        }
        return context(List.of(anchorsThenSystem(anchors, () -> trustManager(null))));
    }

    /** Trusts anchors, and the trust manager system makes (on the first chain anchors do not trust) besides. */
    static X509TrustManager anchorsThenSystem(List<X509Certificate> anchors, Supplier<X509TrustManager> system)
    {
        return new EitherTrustManager(trustManager(anchors), new LazyTrustManager(system));
    }

    /** Trusts the system's CAs and the certificates in pemFile (null: the system's alone). */
    public static SSLContext withSystem(Path pemFile)
            throws IOException
    {
        return withSystem(pemFile == null ? List.of() : PemCertificates.read(pemFile));
    }

    private static SSLContext context(List<X509TrustManager> trustManagers)
    {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.toArray(TrustManager[]::new), null);
            return context;
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /** The system's trust manager for anchors null, else one trusting exactly anchors. */
    private static X509TrustManager trustManager(List<X509Certificate> anchors)
    {
        try {
            KeyStore store = null;
            if (anchors != null) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    store.setCertificateEntry("anchor-" + i, anchors.get(i));
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return Arrays.stream(factory.getTrustManagers())
                    .filter(X509TrustManager.class::isInstance)
                    .map(X509TrustManager.class::cast)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("this JDK has no X.509 trust manager"));
        }
        catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a trust manager: " + e.getMessage(), e);
        }
    }

    /** A trust manager made on first use. */
    private static final class LazyTrustManager
            implements X509TrustManager
    {
        private final Supplier<X509TrustManager> maker;
        private volatile X509TrustManager made;

        private LazyTrustManager(Supplier<X509TrustManager> maker)
        {
            this.maker = maker;
        }

        private X509TrustManager system()
        {
            X509TrustManager trustManager = made;
            if (trustManager == null) {
                // two threads may both make one: the same trust, made twice at worst
                trustManager = maker.get();
                made = trustManager;
            }
            return trustManager;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException
        {
            system().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws CertificateException
        {
            system().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return system().getAcceptedIssuers();
        }
    }

    /** Accepts a server either trust manager accepts. */
    private record EitherTrustManager(X509TrustManager first, X509TrustManager second)
            implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException
        {
            try {
                first.checkClientTrusted(chain, authType);
            }
            catch (CertificateException e) {
                second.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws CertificateException
        {
            try {
                first.checkServerTrusted(chain, authType);
            }
            catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            List<X509Certificate> issuers = new ArrayList<>(Arrays.asList(first.getAcceptedIssuers()));
            issuers.addAll(Arrays.asList(second.getAcceptedIssuers()));
            return issuers.toArray(X509Certificate[]::new);
        }
    }
}
