package io.berth.e2e;

import io.berth.common.tls.PemCertificates;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

import io.berth.common.tls.TrustedCertificates;

import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

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
            return TrustedCertificates.trustManagers(PemCertificates.read(caBundle));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
