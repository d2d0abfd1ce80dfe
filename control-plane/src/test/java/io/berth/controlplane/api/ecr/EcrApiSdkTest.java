package io.berth.controlplane.api.ecr;

import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.ServedControlPlane;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.registry.RegistrySettings;
import io.berth.controlplane.registry.RegistrySigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AWS SDK's ECR client against the API: routed by the signing service, ECR's shapes and errors, per account. */
class EcrApiSdkTest
{
    @TempDir
    Path directory;

    private ServedControlPlane served;
    private AccessKey a;
    private AccessKey b;
    private String registryAddress;

    @BeforeEach
    void start()
            throws Exception
    {
        // a registry address where nothing listens: repositories need no registry, images do
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            registryAddress = "127.0.0.1:" + probe.getLocalPort();
        }
        served = ServedControlPlane.start(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db"))
                .withRegistry(new RegistrySettings(registryAddress, RegistrySigningKey.loadOrCreate(directory.resolve("key")))), (server, controlPlane) -> server);
        a = served.controlPlane().accounts().createAccount("a");
        b = served.controlPlane().accounts().createAccount("b");
    }

    @AfterEach
    void stop()
    {
        served.close();
    }

    private EcrClient ecr(AccessKey key)
    {
        return EcrClient.builder()
                .endpointOverride(served.server().endpoint())
                .region(Region.EU_WEST_3)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @Test
    void repositoriesPerAccount()
    {
        try (EcrClient ecrA = ecr(a); EcrClient ecrB = ecr(b)) {
            Repository created = ecrA.createRepository(request -> request.repositoryName("team/app")).repository();
            assertThat(created.repositoryUri()).isEqualTo(registryAddress + "/" + a.account().accountId() + "/team/app");
            assertThat(created.repositoryArn()).isEqualTo("arn:aws:ecr:eu-west-3:" + a.account().accountId() + ":repository/team/app");
            assertThat(created.createdAt()).isBeforeOrEqualTo(Instant.now());
            assertThat(created.imageTagMutabilityAsString()).isEqualTo("MUTABLE");

            assertThat(ecrB.describeRepositories().repositories()).isEmpty();
            assertThatThrownBy(() -> ecrB.describeRepositories(request -> request.repositoryNames("team/app"))).isInstanceOf(RepositoryNotFoundException.class)
                    .hasMessageContaining(b.account().accountId());
            assertThatThrownBy(() -> ecrB.deleteRepository(request -> request.registryId(a.account().accountId()).repositoryName("team/app")))
                    .isInstanceOf(RepositoryNotFoundException.class);
            assertThat(ecrA.describeRepositories(request -> request.repositoryNames("team/app")).repositories()).containsExactly(created);
        }
    }

    @Test
    void pagesOfRepositories()
    {
        try (EcrClient ecrA = ecr(a)) {
            IntStream.range(0, 5).forEach(index -> ecrA.createRepository(request -> request.repositoryName("repo-" + index)));
            var first = ecrA.describeRepositories(request -> request.maxResults(3));
            assertThat(first.repositories()).extracting(Repository::repositoryName).containsExactly("repo-0", "repo-1", "repo-2");
            var second = ecrA.describeRepositories(request -> request.maxResults(3).nextToken(first.nextToken()));
            assertThat(second.repositories()).extracting(Repository::repositoryName).containsExactly("repo-3", "repo-4");
            assertThat(second.nextToken()).isNull();
            assertThatThrownBy(() -> ecrA.describeRepositories(request -> request.maxResults(1001))).isInstanceOf(InvalidParameterException.class);
        }
    }

    @Test
    void refusesWhatItDoesNotDo()
    {
        try (EcrClient ecrA = ecr(a)) {
            assertThatThrownBy(() -> ecrA.createRepository(request -> request.repositoryName("x1").imageScanningConfiguration(scan -> scan.scanOnPush(true))))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("scanOnPush");
            assertThatThrownBy(() -> ecrA.createRepository(request -> request.repositoryName("x1").encryptionConfiguration(encryption -> encryption.encryptionType("KMS"))))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("KMS");
            assertThatThrownBy(() -> ecrA.createRepository(request -> request.repositoryName("x1").tags(tag -> tag.key("k").value("v"))))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("tags");
            assertThatThrownBy(() -> ecrA.getAuthorizationToken(request -> request.registryIds(b.account().accountId())))
                    .isInstanceOf(InvalidParameterException.class);
            // nothing half made
            assertThat(ecrA.describeRepositories().repositories()).isEmpty();
        }
    }

    @Test
    void theLoginIsTheAccountsOwn()
    {
        try (EcrClient ecrA = ecr(a)) {
            AuthorizationData data = ecrA.getAuthorizationToken().authorizationData().get(0);
            String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
            assertThat(decoded).startsWith("AWS:");
            assertThat(served.controlPlane().registryTokenEndpoint()).isPresent();
            assertThat(data.proxyEndpoint()).isEqualTo("http://" + registryAddress);
            assertThat(data.expiresAt()).isAfter(Instant.now().plusSeconds(11 * 3600));
        }
    }

    @Test
    void anUnreachableRegistryIsAServerError()
    {
        try (EcrClient ecrA = ecr(a)) {
            ecrA.createRepository(request -> request.repositoryName("app"));
            assertThatThrownBy(() -> ecrA.listImages(request -> request.repositoryName("app")))
                    .isInstanceOfSatisfying(EcrException.class, e -> assertThat(e.statusCode()).isEqualTo(500))
                    .hasMessageContaining("registry is unavailable");
        }
    }

    @Test
    void ecsStaysEcs()
    {
        try (EcsClient ecs = EcsClient.builder()
                .endpointOverride(served.server().endpoint())
                .region(Region.EU_WEST_3)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(a.accessKeyId(), a.secretAccessKey())))
                .build()) {
            assertThat(ecs.listClusters().clusterArns()).isEmpty();
        }
    }
}
