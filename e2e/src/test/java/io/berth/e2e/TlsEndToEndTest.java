package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.AgentCallSignature;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.tls.CertificatePin;
import io.berth.common.tls.PemCertificates;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.agents.access.AgentCallKeyRing;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import io.berth.controlplane.tls.ServerTls;
import io.berth.testing.BerthProcess;
import io.berth.testing.RecordingHttpsServer;
import io.berth.testing.LocalFleetOptions;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
 * server with another CA (it sends nothing there), the control plane's calls to the agent (HTTPS to a certificate of
 * the CA, signed with a key the store does not hold: a call forged with the store's hash of the host's secret is
 * refused), a rotation of the control plane's agent-call key (the old key taken for the grace only), a rotation of the
 * host's credential under a running task, the registry on TLS (an image imported by the CLI and pulled by the agent),
 * the agent protocol version the agent speaks and the refusal of a newer one, a revoked join token and a revoked host
 * (last: it removes the fleet's host).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    private static TestFleet fleet;
    // one task serves the tests of the agent's calls and of the rotation: a task start is the slow part
    private static String sleeperArn;

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
    @Order(1)
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
    @Order(2)
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
    @Order(3)
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
    @Order(4)
    void theControlPlaneCallsItsAgentOverHttpsWithItsOwnKeyAndACallForgedWithTheStoresHashIsRefused()
            throws Exception
    {
        String hostId = fleet.hostId(0);
        try (EcsClient ecs = fleet.operatorClient()) {
            String taskArn = sleeper(ecs);
            // the control plane read them from the agent: over HTTPS, signed with its key
            assertThat(awaitLogLine(taskArn, "hello over https")).contains("hello over https");

            URI logs = fleet.agentEndpoint(hostId).resolve("/v1/tasks/" + taskId(taskArn) + "/logs?max=5");
            HttpResponse<String> forged = fleet.callAgent(logs, storeHmacAuthorization(hostId, "/v1/tasks/" + taskId(taskArn) + "/logs", "max=5"));
            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(forged.body()).contains("only the control plane may call this agent");
            X509Certificate presented = (X509Certificate) forged.sslSession().orElseThrow().getPeerCertificates()[0];
            presented.verify(PemCertificates.read(fleet.caCertificate()).getFirst().getPublicKey());
            assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=" + ClusterCertificateAuthority.agentCommonName(hostId));

            KeyPair impostor = AgentCallKeys.newKeyPair();
            HttpResponse<String> otherKey = fleet.callAgent(logs, AgentCallSignature.sign(impostor.getPrivate(), hostId, "GET", logs.getRawPath(), logs.getRawQuery(), null, Instant.now()));
            assertThat(otherKey.statusCode()).isEqualTo(401);
            assertThat(otherKey.body()).contains("not signed by the control plane");

            URI plain = URI.create("http://" + logs.getRawAuthority() + logs.getRawPath() + "?" + logs.getRawQuery());
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
                assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()))
                        .as("the agent serves HTTPS only").isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    @Order(5)
    void aRotationOfTheAgentCallKeyIsFollowedByTheAgentAndTheOldKeyIsRefusedAfterTheGrace()
            throws Exception
    {
        String hostId = fleet.hostId(0);
        Path tls = fleet.serverDirectory().resolve("tls");
        AgentCallKeyRing before = AgentCallKeyRing.load(tls);
        try (EcsClient ecs = fleet.operatorClient()) {
            String taskArn = sleeper(ecs);
            URI logs = fleet.agentEndpoint(hostId).resolve("/v1/tasks/" + taskId(taskArn) + "/logs?max=5");

            BerthProcess.Result rotate = BerthProcess.run(Optional.empty(), List.of("host", "rotate-call-key", "--grace", "10s"), fleet.operatorEnvironment());
            assertThat(rotate.exitCode()).as(rotate.toString()).isZero();
            AgentCallKeyRing after = AgentCallKeyRing.load(tls);
            assertThat(after.current().publicKeyText()).isNotEqualTo(before.current().publicKeyText());
            assertThat(rotate.stdout()).contains("Agent-call key rotated: the control plane signs with " + after.current().publicKeyText());
            assertThat(after.previous().key()).isEqualTo(before.current().publicKeyText());

            // the agent was woken to sync and took the new key, keeping the old one for the grace
            Path agentKey = fleet.agentDirectory(0).resolve("control-plane-key");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(agentKey).strip(), after.current().publicKeyText()::equals);
            // the control plane's own calls (signed with the new key) go on working
            assertThat(awaitLogLine(taskArn, "hello over https")).contains("hello over https");
            HttpResponse<String> oldKeyInGrace = fleet.callAgent(logs, TestFleet.signedAgentCall(before, hostId, logs));
            Instant checkedAt = Instant.now();
            assertThat(checkedAt).as("still within the grace").isBefore(after.previous().validUntil());
            assertThat(oldKeyInGrace.statusCode()).as(oldKeyInGrace.body()).isEqualTo(200);

            HttpResponse<String> oldKeyAfterGrace = await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(250))
                    .until(() -> fleet.callAgent(logs, TestFleet.signedAgentCall(before, hostId, logs)), response -> response.statusCode() != 200);
            assertThat(Instant.now()).as("refused only once the grace was over").isAfterOrEqualTo(after.previous().validUntil());
            assertThat(oldKeyAfterGrace.statusCode()).isEqualTo(401);
            assertThat(oldKeyAfterGrace.body()).contains("not signed by the control plane");
            assertThat(fleet.callAgent(logs, TestFleet.signedAgentCall(after, hostId, logs)).statusCode()).isEqualTo(200);
            assertThat(awaitLogLine(taskArn, "hello over https")).contains("hello over https");
        }
    }

    @Test
    @Order(6)
    void aRotationGivesTheAgentANewSecretWithoutTouchingItsTaskAndTheOldSecretIsRefusedAfterTheGrace()
            throws Exception
    {
        String hostId = fleet.hostId(0);
        HostCredential old = fleet.credential(0);
        try (EcsClient ecs = fleet.operatorClient()) {
            String taskArn = sleeper(ecs);
            Task before = BerthEnvironment.describe(ecs, TestFleet.CLUSTER, taskArn);
            BigInteger oldCertificate = agentCertificate(hostId).getSerialNumber();

            BerthProcess.Result rotate = BerthProcess.run(Optional.empty(), List.of("host", "rotate", hostId, "--grace", "3s"), fleet.operatorEnvironment());
            assertThat(rotate.exitCode()).as(rotate.toString()).isZero();
            assertThat(rotate.stdout()).contains("Host " + hostId + ": rotating");

            HostCredential next = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> fleet.credential(0), credential -> !credential.secret().equals(old.secret()));
            assertThat(next.hostId()).isEqualTo(hostId);
            assertThat(agentProtocol(next).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> agentProtocol(old), response -> response.statusCode() == 401);
            assertThat(refused.body()).contains("grace period ended");

            // the task went on in the same container, and the control plane still reads it (a new certificate)
            Task after = BerthEnvironment.describe(ecs, TestFleet.CLUSTER, taskArn);
            assertThat(after.lastStatus()).isEqualTo("RUNNING");
            assertThat(after.startedAt()).isEqualTo(before.startedAt());
            assertThat(fleet.localFleet().agent(0).isAlive()).isTrue();
            assertThat(agentCertificate(hostId).getSerialNumber()).isNotEqualTo(oldCertificate);
            assertThat(awaitLogLine(taskArn, "hello over https")).contains("hello over https");
            // and the agent goes on syncing with its new secret
            long heartbeat = admin("GET", "/berth/hosts/" + hostId).path("lastHeartbeat").asLong();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin("GET", "/berth/hosts/" + hostId).path("lastHeartbeat").asLong() > heartbeat);
            ecs.stopTask(request -> request.cluster(TestFleet.CLUSTER).task(taskArn));
            BerthEnvironment.awaitStatus(ecs, TestFleet.CLUSTER, taskArn, "STOPPED", TIMEOUT);
            sleeperArn = null;
        }
    }

    @Test
    @Order(7)
    void theRegistryServesTlsWithACertificateOfTheClusterCaAndAnImportedImageIsPulledByTheFleet()
            throws Exception
    {
        Map<String, String> operator = fleet.operatorEnvironment();
        String registry = operator.get("BERTH_REGISTRY");
        assertThat(registry).as("berth.env names the registry").isNotBlank();
        // HTTPS to a certificate of the cluster CA; plain HTTP is not served
        HttpResponse<String> probe = fleet.callAgent(URI.create("https://" + registry + "/v2/"), "none");
        assertThat(probe.statusCode()).as("asks for a token").isEqualTo(401);
        X509Certificate presented = (X509Certificate) probe.sslSession().orElseThrow().getPeerCertificates()[0];
        presented.verify(PemCertificates.read(fleet.caCertificate()).getFirst().getPublicKey());
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).as("plain HTTP to a TLS server").isEqualTo(400);
        }

        // the CLI pushes over TLS trusting AWS_CA_BUNDLE; the agent pulls over TLS trusting the CA it joined by
        OciLayoutImage layout = TestImages.buildOciLayout(work.resolve("tls-layout"), "latest", TestImageConfig.busybox());
        BerthProcess.Result imported = BerthProcess.run(Optional.empty(), List.of("image", "import", layout.layout().toString(), "--tag", "tls/imported:1"), operator);
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        String reference = imported.stdout().strip();
        assertThat(reference).startsWith(registry + "/").endsWith("/tls/imported:1");
        try (EcsClient ecs = fleet.operatorClient()) {
            String definition = ecs.registerTaskDefinition(request -> request.family("tls-imported").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                    .containerDefinitions(ContainerDefinition.builder().name("main").image(reference).command("sh", "-c", "echo pulled over tls").build()))
                    .taskDefinition().taskDefinitionArn();
            String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(TestFleet.CLUSTER).taskDefinition(definition))
                    .tasks().get(0).taskArn();
            Task stopped = BerthEnvironment.awaitStatus(ecs, TestFleet.CLUSTER, taskArn, "STOPPED", TIMEOUT);
            assertThat(stopped.containers().getFirst().exitCode()).as(stopped.stoppedReason()).isEqualTo(0);
            assertThat(awaitLogLine(taskArn, "pulled over tls")).contains("pulled over tls");
        }
    }

    @Test
    @Order(8)
    void theAgentSpeaksItsProtocolVersionAndAnAgentOfANewerOneIsRefusedSayingToUpgradeTheControlPlanesFirst()
            throws Exception
    {
        String hostId = fleet.hostId(0);
        assertThat(admin("GET", "/berth/hosts/" + hostId).path("agentProtocol").asInt()).isEqualTo(AgentProtocolVersion.CURRENT);

        HttpResponse<String> current = agentProtocol(fleet.credential(0), Integer.toString(AgentProtocolVersion.CURRENT));
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(current.headers().firstValue(AgentProtocolVersion.HEADER)).contains(Integer.toString(AgentProtocolVersion.CURRENT));
        HttpResponse<String> newer = agentProtocol(fleet.credential(0), Integer.toString(AgentProtocolVersion.CURRENT + 1));
        assertThat(newer.statusCode()).isEqualTo(426);
        assertThat(newer.body()).contains("upgrade the control planes first");
    }

    @Test
    @Order(100)
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

    /** The tests' running task, started by the first that needs it. */
    private static String sleeper(EcsClient ecs)
    {
        if (sleeperArn == null) {
            sleeperArn = runSleeper(ecs);
        }
        return sleeperArn;
    }

    private static String runSleeper(EcsClient ecs)
    {
        String definition = ecs.registerTaskDefinition(request -> request.family("tls-sleeper").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                .containerDefinitions(ContainerDefinition.builder().name("main").image(fleet.image())
                        .command("sh", "-c", "echo hello over https; trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
        String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(TestFleet.CLUSTER).taskDefinition(definition))
                .tasks().get(0).taskArn();
        BerthEnvironment.awaitStatus(ecs, TestFleet.CLUSTER, taskArn, "RUNNING", TIMEOUT);
        return taskArn;
    }

    private static String taskId(String taskArn)
    {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private static List<String> awaitLogLine(String taskArn, String text)
    {
        try (BerthClient client = fleet.signedClient()) {
            return TestFleet.awaitLogLine(client, TestFleet.CLUSTER, taskArn, text);
        }
    }

    private static JsonNode admin(String method, String path)
    {
        try (BerthClient client = fleet.signedClient()) {
            return client.admin(method, path, Map.of(), null);
        }
    }

    /** What the control plane signed its calls with before it had a key of its own: an HMAC keyed by the store's hash of the host's secret. */
    private static String storeHmacAuthorization(String hostId, String rawPath, String rawQuery)
            throws Exception
    {
        String secretHash;
        try (Connection store = DriverManager.getConnection("jdbc:sqlite:" + fleet.serverDirectory().resolve("berth.db"));
                PreparedStatement query = store.prepareStatement("SELECT secret_hash FROM host_credentials WHERE host_id = ?")) {
            query.setString(1, hostId);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("the host's row in the store").isTrue();
                secretHash = row.getString(1);
            }
        }
        long time = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secretHash.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal(("GET\n" + rawPath + "\n" + rawQuery + "\n" + time).getBytes(StandardCharsets.UTF_8)));
        return "Berth-HMAC-SHA256 host=" + hostId + ", time=" + time + ", signature=" + signature;
    }

    private static X509Certificate agentCertificate(String hostId)
            throws Exception
    {
        HttpResponse<String> answer = fleet.callAgent(fleet.agentEndpoint(hostId).resolve("/v1/tasks/none/logs"), "none");
        return (X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    /** A call of the agent protocol with this credential (a long poll that returns at once). */
    private static HttpResponse<String> agentProtocol(HostCredential credential)
            throws Exception
    {
        return agentProtocol(credential, null);
    }

    /** protocolVersion: the agent protocol version the call says it speaks, null for none. */
    private static HttpResponse<String> agentProtocol(HostCredential credential, String protocolVersion)
            throws Exception
    {
        try (HttpClient http = HttpClient.newBuilder().sslContext(TrustedCertificates.only(PemCertificates.read(fleet.caCertificate())))
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(fleet.endpoint().resolve("/berth/agent/v1/changes?timeout=0")).timeout(Duration.ofSeconds(5))
                    .header("Authorization", credential.authorizationHeader());
            if (protocolVersion != null) {
                request.header(AgentProtocolVersion.HEADER, protocolVersion);
            }
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
