package io.berth.e2e;

import io.berth.cli.client.BerthClient;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.tls.CertificatePin;
import io.berth.common.tls.PemCertificates;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import io.berth.controlplane.tls.ServerTls;
import io.berth.testing.BerthProcess;
import io.berth.testing.RecordingHttpsServer;
import io.berth.testing.LocalFleetOptions;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * `berth server` serving TLS with the cluster CA it made, against real processes: an agent in a network namespace
 * joined by the pin its token carries, the AWS SDK trusting the CA, a client that does not, an agent sent to a
 * server with another CA (it sends nothing there), a revoked join token and a revoked host.
 */
class TlsEndToEndTest
{
    @TempDir
    static Path work;

    private static TestFleet fleet;

    @BeforeAll
    static void start()
            throws Exception
    {
        fleet = TestFleet.start(1, options -> options.withServerArguments(withTls(options)));
    }

    private static List<String> withTls(LocalFleetOptions options)
    {
        List<String> arguments = new ArrayList<>(options.extraServerArguments());
        arguments.addAll(List.of("--tls", "on"));
        return arguments;
    }

    @AfterAll
    static void stop()
            throws Exception
    {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void theAgentJoinedByThePinOfTheClusterCaAndTheSdkTrustingTheCaIsServed()
            throws Exception
    {
        CertificatePin pin = CertificatePin.of(PemCertificates.read(fleet.caCertificate()).getFirst());

        assertThat(fleet.endpoint().getScheme()).isEqualTo("https");
        assertThat(fleet.operatorEnvironment()).containsEntry("AWS_CA_BUNDLE", fleet.caCertificate().toString());
        assertThat(JoinTokenText.parse(fleet.token()).pin()).contains(pin);
        assertThat(PemCertificates.read(fleet.agentDirectory(0).resolve("control-plane-ca.pem"))).singleElement()
                .satisfies(certificate -> assertThat(CertificatePin.of(certificate)).isEqualTo(pin));
        try (EcsClient ecs = fleet.operatorClient()) {
            assertThat(ecs.listClusters().clusterArns()).anyMatch(arn -> arn.endsWith(":cluster/" + TestFleet.CLUSTER));
        }
    }

    @Test
    void aClientThatDoesNotTrustTheClusterCaIsRefusedInTheHandshake()
    {
        Map<String, String> operator = fleet.operatorEnvironment();
        try (EcsClient ecs = EcsClient.builder()
                .endpointOverride(fleet.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            assertThatThrownBy(ecs::listClusters)
                    .isInstanceOf(SdkClientException.class)
                    .hasStackTraceContaining(SSLHandshakeException.class.getName());
        }
    }

    @Test
    void anAgentSentToAServerWithAnotherCaRefusesItHavingSentNothing()
            throws Exception
    {
        ServerTls impostor = ClusterCertificateAuthority.loadOrCreate(work.resolve("impostor-ca"), Clock.systemUTC()).issueServerCertificate(Set.of("127.0.0.1"));
        try (RecordingHttpsServer recorder = RecordingHttpsServer.start(impostor.sslContext())) {
            Path agentDirectory = work.resolve("deceived-agent");
            BerthProcess.Result refused = BerthProcess.run(Optional.empty(),
                    List.of("agent", "--join", recorder.endpoint().toString(), "--token", fleet.token(), "--data-dir", agentDirectory.toString()),
                    Map.of());

            assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
            assertThat(refused.stdout() + refused.stderr()).contains("the join token pins sha256:").contains("nothing was sent to it");
            assertThat(recorder.received()).as("what the server with another CA received").isEmpty();
            assertThat(agentDirectory.resolve("host-credential.json")).doesNotExist();
        }
    }

    @Test
    void aRevokedJoinTokenJoinsNoHostAndARemovedHostsAgentIsRefusedAndLeaves()
            throws Exception
    {
        Map<String, String> operator = fleet.operatorEnvironment();
        String token;
        try (BerthClient client = fleet.signedClient()) {
            token = client.admin("POST", "/berth/hosts/tokens", Map.of(), io.berth.common.json.Json.mapper().createObjectNode()).path("token").asText();
        }
        // the CLI over TLS, trusting the CA named by AWS_CA_BUNDLE in the operator's berth.env
        BerthProcess.Result revoked = BerthProcess.run(Optional.empty(), List.of("host", "token", "--revoke", token), operator);
        assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
        assertThat(revoked.stdout()).contains("revoked");

        BerthProcess.Result refused = BerthProcess.run(Optional.empty(),
                List.of("agent", "--join", fleet.endpoint().toString(), "--token", token, "--data-dir", work.resolve("late-agent").toString()), Map.of());
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.stdout() + refused.stderr()).contains("was revoked at");

        String hostId = fleet.hostId(0);
        try (BerthClient client = fleet.signedClient()) {
            client.admin("DELETE", "/berth/hosts/" + hostId, Map.of("force", "true"), null);
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> !fleet.agentIsAlive(0));
        assertThat(Files.readString(fleet.localFleet().agent(0).logFile()))
                .contains("the credential of host " + hostId + " was revoked at");
    }
}
