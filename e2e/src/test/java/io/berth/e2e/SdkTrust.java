package io.berth.e2e;

import io.berth.common.tls.PemCertificates;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The AWS SDK for Java v2 trusting a Berth's cluster CA: what AWS_CA_BUNDLE does for the AWS CLI and boto3 (the Java
 * SDK reads no such variable; its HTTP client takes trust managers).
 */
final class SdkTrust
{
    private SdkTrust() {}

    static ApacheHttpClient.Builder trusting(Path caBundle)
    {
        TrustManager[] trustManagers = trustManagers(caBundle);
        return ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trustManagers);
    }

    static TrustManager[] trustManagers(Path caBundle)
    {
        try {
            List<X509Certificate> anchors = PemCertificates.read(caBundle);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("berth-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + caBundle + ": " + e.getMessage(), e);
        }
    }
}
