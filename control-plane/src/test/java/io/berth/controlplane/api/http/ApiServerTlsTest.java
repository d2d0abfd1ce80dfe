package io.berth.controlplane.api.http;

import io.berth.common.tls.PemCertificates;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import io.berth.controlplane.tls.ServerTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AWS SDK for Java v2 reaches an HTTPS ApiServer when it trusts the cluster CA, and only then. */
class ApiServerTlsTest
{
    @TempDir
    static Path directory;

    private static ClusterCertificateAuthority authority;
    private static TestApi api;

    @BeforeAll
    static void start()
            throws Exception
    {
        authority = ClusterCertificateAuthority.loadOrCreate(directory.resolve("tls"), Clock.systemUTC());
        ServerTls tls = authority.issueServerCertificate(Set.of("127.0.0.1", "localhost"));
        api = new TestApi(Clock.systemUTC(), ApiServer.DEFAULT_MAX_BODY_BYTES, tls.sslContext());
    }

    @AfterAll
    static void stop()
    {
        api.close();
    }

    @Test
    void servesHttpsOnItsEndpoint()
    {
        assertThat(api.server.endpoint().getScheme()).isEqualTo("https");
    }

    @Test
    void theSdkTrustingTheClusterCaIsServed()
            throws Exception
    {
        try (EcsClient ecs = client(trusting(authority))) {
            assertThat(ecs.listClusters().clusterArns()).containsExactly("arn:aws:ecs:us-east-1:123456789012:cluster/default");
        }
    }

    @Test
    void theSdkTrustingOnlyTheSystemCasIsRefusedInTheHandshake()
    {
        try (EcsClient ecs = client(null)) {
            assertThatThrownBy(ecs::listClusters)
                    .isInstanceOf(SdkClientException.class)
                    .hasStackTraceContaining(SSLHandshakeException.class.getName())
                    .hasStackTraceContaining("unable to find valid certification path");
        }
    }

    private static TrustManager[] trusting(ClusterCertificateAuthority authority)
            throws Exception
    {
        return TrustedCertificates.trustManagers(PemCertificates.read(authority.certificateFile()));
    }

    private static EcsClient client(TrustManager[] trustManagers)
    {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder();
        if (trustManagers != null) {
            http.tlsTrustManagersProvider(() -> trustManagers);
        }
        return EcsClient.builder()
                .endpointOverride(api.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey())))
                .httpClientBuilder(http)
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
