package io.berth.e2e;

import io.berth.cli.client.BerthClient;
import io.berth.common.files.FileTrees;
import io.berth.common.json.Json;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.BatchDeleteImageResponse;
import software.amazon.awssdk.services.ecr.model.DescribeImagesResponse;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotEmptyException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registry per account, as ECR: every ECR action through the AWS SDK as two accounts (another's repository is
 * RepositoryNotFoundException, never data), a push with skopeo logged in with `aws ecr get-login-password`, pulls
 * and pushes across accounts refused by the registry itself, a task of another account's private image stopped
 * with CannotPullContainerError before it starts (also when its layers are on the host), and a public repository
 * that every account runs but only its owner pushes to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryPerAccountEndToEndTest
{
    private static final String CLUSTER = "registry";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final String SECRET = "only-for-account-a";

    private Path work;
    private BerthEnvironment environment;
    private AccountKeys a;
    private AccountKeys b;
    private EcrClient ecrA;
    private EcrClient ecrB;
    private EcsClient ecsA;
    private EcsClient ecsB;
    private OciLayoutImage secretImage;

    @BeforeAll
    void start()
            throws IOException
    {
        work = Files.createTempDirectory("berth-e2e-registry-");
        // the data directory is inside: tasks in user namespaces must be able to search their way to their root filesystems
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        environment = BerthEnvironment.start(work.resolve("data"));
        a = AccountKeys.create(environment, "registry-a");
        b = AccountKeys.create(environment, "registry-b");
        ecrA = environment.ecr(a.accessKeyId(), a.secretAccessKey());
        ecrB = environment.ecr(b.accessKeyId(), b.secretAccessKey());
        ecsA = environment.client(a.accessKeyId(), a.secretAccessKey());
        ecsB = environment.client(b.accessKeyId(), b.secretAccessKey());
        ecsA.createCluster(request -> request.clusterName(CLUSTER));
        ecsB.createCluster(request -> request.clusterName(CLUSTER));
        secretImage = TestImages.buildOciLayout(work.resolve("secret-layout"), "1", TestImageConfig.busybox().withFile("/secret", SECRET));
    }

    @AfterAll
    void stop()
            throws IOException
    {
        for (AutoCloseable client : new AutoCloseable[] {ecrA, ecrB, ecsA, ecsB}) {
            if (client != null) {
                try {
                    client.close();
                }
                catch (Exception e) {
                    // closing a client cannot fail in a way the test cares about
                }
            }
        }
        if (environment != null) {
            environment.close();
        }
        if (work != null) {
            FileTrees.deleteRecursively(work);
        }
    }

    @Test
    void everyEcrActionAsTwoAccounts()
            throws Exception
    {
        Repository created = ecrA.createRepository(request -> request.repositoryName("team/app")).repository();
        String registry = environment.berth().registryAddress();
        assertThat(created.registryId()).isEqualTo(a.accountId());
        assertThat(created.repositoryUri()).isEqualTo(registry + "/" + a.accountId() + "/team/app");
        assertThat(created.repositoryArn()).isEqualTo("arn:aws:ecr:us-east-1:" + a.accountId() + ":repository/team/app");
        assertThatThrownBy(() -> ecrA.createRepository(request -> request.repositoryName("team/app"))).isInstanceOf(RepositoryAlreadyExistsException.class);
        // the same name in another account is another repository
        Repository bsOwn = ecrB.createRepository(request -> request.repositoryName("team/app")).repository();
        assertThat(bsOwn.repositoryUri()).isEqualTo(registry + "/" + b.accountId() + "/team/app");

        String pushed = pushWithLoginPassword(a, secretImage, created.repositoryUri() + ":1");
        assertThat(pushed).isEqualTo(created.repositoryUri() + ":1");

        assertThat(ecrA.describeRepositories(request -> request.repositoryNames("team/app")).repositories())
                .singleElement().satisfies(repository -> assertThat(repository.repositoryUri()).isEqualTo(created.repositoryUri()));
        assertThat(ecrA.listImages(request -> request.repositoryName("team/app")).imageIds())
                .singleElement().satisfies(imageId -> assertThat(imageId.imageTag()).isEqualTo("1"));
        DescribeImagesResponse described = ecrA.describeImages(request -> request.repositoryName("team/app"));
        assertThat(described.imageDetails()).singleElement().satisfies(detail -> {
            assertThat(detail.imageTags()).containsExactly("1");
            assertThat(detail.imageDigest()).startsWith("sha256:");
            assertThat(detail.imageSizeInBytes()).isPositive();
            assertThat(detail.registryId()).isEqualTo(a.accountId());
        });
        String digest = described.imageDetails().get(0).imageDigest();
        assertThat(ecrA.describeImages(request -> request.repositoryName("team/app").imageIds(ImageIdentifier.builder().imageTag("1").build())).imageDetails())
                .singleElement().satisfies(detail -> assertThat(detail.imageDigest()).isEqualTo(digest));
        assertThatThrownBy(() -> ecrA.describeImages(request -> request.repositoryName("team/app").imageIds(ImageIdentifier.builder().imageTag("nope").build())))
                .isInstanceOf(ImageNotFoundException.class);
        assertThat(ecrA.listImages(request -> request.repositoryName("team/app").filter(filter -> filter.tagStatus("UNTAGGED"))).imageIds()).isEmpty();

        // B sees its own repository of that name, empty, and nothing of A's: every action on A's is not found
        assertThat(ecrB.listImages(request -> request.repositoryName("team/app")).imageIds()).isEmpty();
        assertThat(ecrB.describeRepositories(request -> { }).repositories()).extracting(Repository::repositoryUri).containsExactly(bsOwn.repositoryUri());
        String aId = a.accountId();
        List<Consumer<EcrClient>> probes = List.of(
                ecr -> ecr.describeRepositories(request -> request.registryId(aId).repositoryNames("team/app")),
                ecr -> ecr.describeRepositories(request -> request.registryId(aId)),
                ecr -> ecr.listImages(request -> request.registryId(aId).repositoryName("team/app")),
                ecr -> ecr.describeImages(request -> request.registryId(aId).repositoryName("team/app")),
                ecr -> ecr.batchDeleteImage(request -> request.registryId(aId).repositoryName("team/app").imageIds(ImageIdentifier.builder().imageDigest(digest).build())),
                ecr -> ecr.deleteRepository(request -> request.registryId(aId).repositoryName("team/app").force(true)));
        for (Consumer<EcrClient> probe : probes) {
            assertThatThrownBy(() -> probe.accept(ecrB)).isInstanceOf(RepositoryNotFoundException.class)
                    .satisfies(error -> assertThat(error.getMessage()).doesNotContain(digest));
        }
        assertThat(ecrA.listImages(request -> request.repositoryName("team/app")).imageIds()).as("A's image after B's attempts").hasSize(1);

        assertThatThrownBy(() -> ecrA.describeRepositories(request -> request.repositoryNames("no-such"))).isInstanceOf(RepositoryNotFoundException.class);
        assertThatThrownBy(() -> ecrA.createRepository(request -> request.repositoryName("Bad_Name"))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecrA.createRepository(request -> request.repositoryName("immutable").imageTagMutability("IMMUTABLE")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("imageTagMutability");
        assertThatThrownBy(() -> ecrA.deleteRepository(request -> request.repositoryName("team/app"))).isInstanceOf(RepositoryNotEmptyException.class);

        BatchDeleteImageResponse deleted = ecrA.batchDeleteImage(request -> request.repositoryName("team/app")
                .imageIds(ImageIdentifier.builder().imageTag("1").build(), ImageIdentifier.builder().imageTag("missing").build()));
        assertThat(deleted.imageIds()).singleElement().satisfies(imageId -> assertThat(imageId.imageDigest()).isEqualTo(digest));
        assertThat(deleted.failures()).singleElement().satisfies(failure -> assertThat(failure.failureCodeAsString()).isEqualTo("ImageNotFound"));
        assertThat(ecrA.listImages(request -> request.repositoryName("team/app")).imageIds()).isEmpty();
        assertThat(ecrA.deleteRepository(request -> request.repositoryName("team/app")).repository().repositoryName()).isEqualTo("team/app");
        assertThatThrownBy(() -> ecrA.describeRepositories(request -> request.repositoryNames("team/app"))).isInstanceOf(RepositoryNotFoundException.class);
        assertThat(ecrB.describeRepositories(request -> request.repositoryNames("team/app")).repositories()).as("B's repository stays").hasSize(1);
    }

    @Test
    void theRegistryRefusesAnotherAccountsPullsAndPushes()
            throws Exception
    {
        String reference = pushWithLoginPassword(a, secretImage, repositoryUri(a, "refuse/private") + ":1");
        Path bsLogin = skopeoLogin(b);

        HostCommand pull = HostCommand.run(List.of("skopeo", "inspect", "--tls-verify=false", "--authfile", bsLogin.toString(), "docker://" + reference),
                Map.of(), null, COMMAND_TIMEOUT);
        assertThat(pull.exitCode()).as(pull.output()).isNotZero();
        assertThat(pull.output()).doesNotContain("sha256:");

        HostCommand push = skopeoCopy(bsLogin, secretImage, repositoryUri(a, "refuse/private") + ":overwritten");
        assertThat(push.exitCode()).as(push.output()).isNotZero();
        assertThat(ecrA.listImages(request -> request.repositoryName("refuse/private")).imageIds()).extracting(ImageIdentifier::imageTag).containsExactly("1");

        // no password: nothing at all
        HostCommand anonymous = HostCommand.run(List.of("skopeo", "inspect", "--tls-verify=false", "--no-creds", "docker://" + reference), Map.of(), null, COMMAND_TIMEOUT);
        assertThat(anonymous.exitCode()).as(anonymous.output()).isNotZero();
    }

    @Test
    void aTaskOfAnotherAccountsPrivateImageNeverStartsEvenWithItsLayersOnTheHost()
            throws Exception
    {
        String image = pushWithLoginPassword(a, secretImage, repositoryUri(a, "tasks/private") + ":1");
        String command = "test \"$(cat /secret)\" = " + SECRET;

        Task uncached = runAndAwaitStop(ecsB, "steal-uncached", image, command);
        assertNeverStarted(uncached);

        Task own = runAndAwaitStop(ecsA, "own", image, command);
        assertThat(own.containers()).singleElement().satisfies(container -> assertThat(container.exitCode()).as(own.stoppedReason()).isZero());

        // every layer of the image is on the host now: B still has to prove it may read the image, and cannot
        Task cached = runAndAwaitStop(ecsB, "steal-cached", image, command);
        assertNeverStarted(cached);
        String digestReference = image.substring(0, image.lastIndexOf(':')) + "@"
                + ecrA.describeImages(request -> request.repositoryName("tasks/private")).imageDetails().get(0).imageDigest();
        assertNeverStarted(runAndAwaitStop(ecsB, "steal-by-digest", digestReference, command));
    }

    @Test
    void aPublicRepositoryRunsForEveryAccountButOnlyItsOwnerPushes()
            throws Exception
    {
        String image = pushWithLoginPassword(a, secretImage, repositoryUri(a, "shared/tools") + ":1");
        assertNeverStarted(runAndAwaitStop(ecsB, "tools-before", image, "true"));

        try (BerthClient operator = SignedClients.operator(environment)) {
            operator.admin("PUT", "/berth/repositories/public", Map.of(),
                    Json.mapper().createObjectNode().put("repository", repositoryUri(a, "shared/tools")).put("public", true));
        }
        Task bRuns = runAndAwaitStop(ecsB, "tools", image, "test \"$(cat /secret)\" = " + SECRET);
        assertThat(bRuns.containers()).singleElement().satisfies(container -> assertThat(container.exitCode()).as(bRuns.stoppedReason()).isZero());

        HostCommand push = skopeoCopy(skopeoLogin(b), secretImage, repositoryUri(a, "shared/tools") + ":2");
        assertThat(push.exitCode()).as(push.output()).isNotZero();
        // B's tasks read a public repository, B's ECR calls still see only B's repositories
        assertThatThrownBy(() -> ecrB.listImages(request -> request.registryId(a.accountId()).repositoryName("shared/tools"))).isInstanceOf(RepositoryNotFoundException.class);
    }

    private String repositoryUri(AccountKeys account, String name)
    {
        return environment.berth().registryAddress() + "/" + account.accountId() + "/" + name;
    }

    private static void assertNeverStarted(Task task)
    {
        assertThat(task.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        // the registry's own refusal, named
        assertThat(task.stoppedReason()).startsWith("CannotPullContainerError: ").contains("denied", "insufficient_scope");
        assertThat(task.startedAt()).as(task.stoppedReason()).isNull();
        assertThat(task.containers()).singleElement().satisfies(container -> assertThat(container.exitCode()).isNull());
    }

    /** `aws ecr get-login-password | skopeo login --password-stdin`, then `skopeo copy` to reference; returns the reference. */
    private String pushWithLoginPassword(AccountKeys account, OciLayoutImage image, String reference)
            throws Exception
    {
        HostCommand copy = skopeoCopy(skopeoLogin(account), image, reference);
        assertThat(copy.exitCode()).as(copy.output()).isZero();
        return reference;
    }

    private static HostCommand skopeoCopy(Path authFile, OciLayoutImage image, String reference)
            throws Exception
    {
        return HostCommand.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-authfile", authFile.toString(),
                "oci:" + image.layout() + ":" + image.tag(), "docker://" + reference), Map.of(), null, COMMAND_TIMEOUT);
    }

    /** Logs skopeo in as the account with the AWS CLI's get-login-password; returns the auth file it wrote. */
    private Path skopeoLogin(AccountKeys account)
            throws Exception
    {
        HostCommand password = HostCommand.run(List.of("aws", "ecr", "get-login-password", "--endpoint-url", environment.berth().endpoint().toString()),
                Map.of("AWS_ACCESS_KEY_ID", account.accessKeyId(), "AWS_SECRET_ACCESS_KEY", account.secretAccessKey(), "AWS_DEFAULT_REGION", "us-east-1",
                        "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
                null, COMMAND_TIMEOUT);
        assertThat(password.exitCode()).as(password.output()).isZero();
        // what the SDK's GetAuthorizationToken gives is the same kind of login: user AWS
        String sdkToken = new String(Base64.getDecoder().decode(
                (account == a ? ecrA : ecrB).getAuthorizationToken().authorizationData().get(0).authorizationToken()), UTF_8);
        assertThat(sdkToken).startsWith("AWS:");
        Path authFile = work.resolve("auth-" + account.accountId() + ".json");
        HostCommand login = HostCommand.run(List.of("skopeo", "login", "--tls-verify=false", "--authfile", authFile.toString(), "--username", "AWS", "--password-stdin",
                environment.berth().registryAddress()), Map.of(), password.output().strip(), COMMAND_TIMEOUT);
        assertThat(login.exitCode()).as(login.output()).isZero();
        return authFile;
    }

    private static Task runAndAwaitStop(EcsClient ecs, String family, String image, String command)
    {
        String definition = ecs.registerTaskDefinition(request -> request
                        .family(family)
                        .cpu("256")
                        .memory("512")
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(ContainerDefinition.builder().name("main").image(image).essential(true).command("sh", "-c", command).build()))
                .taskDefinition().taskDefinitionArn();
        String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();
        return BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
    }
}
