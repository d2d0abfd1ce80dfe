package io.berth.e2e;

import io.berth.common.files.FileTrees;
import io.berth.testing.TestImages;
import io.berth.testing.TestRegistry;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RepositoryCredentials;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets Manager and SSM Parameter Store through the AWS SDK for Java v2, as two accounts (the other's secrets
 * and parameters are not found, by name or by ARN); container `secrets` (a whole secret, a JSON key of one, an SSM
 * SecureString) reaching a real container's environment at both isolation tiers, and nowhere else (not in
 * DescribeTasks, the control plane's log, the store's bytes); a foreign or missing secret stopping the task with
 * ResourceInitializationError; and repositoryCredentials pulling from a private registry with basic auth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsEndToEndTest
{
    private static final String CLUSTER = "secrets";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Path work;
    private BerthEnvironment environment;
    private AccountKeys a;
    private AccountKeys b;
    private AccountKeys sandboxed;
    private SecretsManagerClient secretsA;
    private SecretsManagerClient secretsB;
    private SsmClient ssmA;
    private SsmClient ssmB;
    private EcsClient ecsA;
    private EcsClient ecsB;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream originalOut;

    @BeforeAll
    void start()
            throws IOException
    {
        // everything Berth logs (slf4j-simple writes to System.err) is kept, to look for secret values in it
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(new Tee(originalErr, logged), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut, logged), true, StandardCharsets.UTF_8));
        work = BerthEnvironment.scratchDirectory("berth-e2e-secrets-");
        environment = BerthEnvironment.start(work.resolve("data"));
        a = AccountKeys.create(environment, "secrets-a");
        b = AccountKeys.create(environment, "secrets-b");
        sandboxed = AccountKeys.create(environment, "secrets-sandboxed", "sandbox");
        secretsA = environment.secretsManager(a);
        secretsB = environment.secretsManager(b);
        ssmA = environment.ssm(a);
        ssmB = environment.ssm(b);
        ecsA = environment.client(a.accessKeyId(), a.secretAccessKey());
        ecsB = environment.client(b.accessKeyId(), b.secretAccessKey());
        ecsA.createCluster(request -> request.clusterName(CLUSTER));
        ecsB.createCluster(request -> request.clusterName(CLUSTER));
    }

    @AfterAll
    void stop()
            throws IOException
    {
        for (AutoCloseable client : new AutoCloseable[] {secretsA, secretsB, ssmA, ssmB, ecsA, ecsB}) {
            if (client != null) {
                try {
                    client.close();
                }
                catch (Exception e) {
                    // closing a client cannot fail in a way the test cares about
                }
            }
        }
        try {
            if (environment != null) {
                environment.close();
            }
            if (work != null) {
                FileTrees.deleteRecursively(work);
            }
        }
        finally {
            if (originalErr != null) {
                System.setErr(originalErr);
                System.setOut(originalOut);
            }
        }
    }

    @Test
    void everySecretsManagerActionAsTwoAccounts()
    {
        CreateSecretResponse created = secretsA.createSecret(request -> request.name("app/db").description("the database").secretString("first-value")
                .tags(tag -> tag.key("team").value("a")));
        assertThat(created.arn()).matches("arn:aws:secretsmanager:us-east-1:" + a.accountId() + ":secret:app/db-[A-Za-z0-9]{6}");
        assertThat(created.name()).isEqualTo("app/db");
        String firstVersion = created.versionId();
        assertThat(firstVersion).isNotEmpty();
        assertThatThrownBy(() -> secretsA.createSecret(request -> request.name("app/db").secretString("x"))).isInstanceOf(ResourceExistsException.class);
        assertThatThrownBy(() -> secretsA.createSecret(request -> request.name("both").secretString("x").secretBinary(SdkBytes.fromUtf8String("y"))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> secretsA.createSecret(request -> request.name("kms").secretString("x").kmsKeyId("alias/mine")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("KmsKeyId");

        // by name and by ARN
        assertThat(secretsA.getSecretValue(request -> request.secretId("app/db")).secretString()).isEqualTo("first-value");
        GetSecretValueResponse byArn = secretsA.getSecretValue(request -> request.secretId(created.arn()));
        assertThat(byArn.secretString()).isEqualTo("first-value");
        assertThat(byArn.versionStages()).containsExactly("AWSCURRENT");
        assertThat(byArn.createdDate()).isNotNull();

        // another account: not found, by name and by ARN, for every action
        assertThatThrownBy(() -> secretsB.getSecretValue(request -> request.secretId(created.arn()))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> secretsB.getSecretValue(request -> request.secretId("app/db"))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> secretsB.describeSecret(request -> request.secretId(created.arn()))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> secretsB.putSecretValue(request -> request.secretId(created.arn()).secretString("overwritten"))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> secretsB.deleteSecret(request -> request.secretId(created.arn()).forceDeleteWithoutRecovery(true))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(secretsB.listSecrets(request -> {}).secretList()).isEmpty();
        // the same name in B is B's own secret
        secretsB.createSecret(request -> request.name("app/db").secretString("b-value"));
        assertThat(secretsB.getSecretValue(request -> request.secretId("app/db")).secretString()).isEqualTo("b-value");

        // a new version becomes AWSCURRENT, the old one AWSPREVIOUS
        PutSecretValueResponse put = secretsA.putSecretValue(request -> request.secretId("app/db").secretString("second-value"));
        assertThat(put.versionStages()).containsExactly("AWSCURRENT");
        assertThat(put.versionId()).isNotEqualTo(firstVersion);
        assertThat(secretsA.getSecretValue(request -> request.secretId("app/db")).secretString()).isEqualTo("second-value");
        assertThat(secretsA.getSecretValue(request -> request.secretId("app/db").versionStage("AWSPREVIOUS")).secretString()).isEqualTo("first-value");
        assertThat(secretsA.getSecretValue(request -> request.secretId("app/db").versionId(firstVersion)).secretString()).isEqualTo("first-value");
        assertThatThrownBy(() -> secretsA.getSecretValue(request -> request.secretId("app/db").versionStage("NOPE"))).isInstanceOf(ResourceNotFoundException.class);
        DescribeSecretResponse described = secretsA.describeSecret(request -> request.secretId("app/db"));
        assertThat(described.description()).isEqualTo("the database");
        assertThat(described.tags()).singleElement().satisfies(tag -> assertThat(tag.key() + "=" + tag.value()).isEqualTo("team=a"));
        assertThat(described.versionIdsToStages()).containsOnlyKeys(firstVersion, put.versionId());
        assertThat(described.versionIdsToStages().get(firstVersion)).containsExactly("AWSPREVIOUS");
        assertThat(described.versionIdsToStages().get(put.versionId())).containsExactly("AWSCURRENT");

        // binary values round-trip
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        secretsA.createSecret(request -> request.name("binary").secretBinary(SdkBytes.fromByteArray(bytes)));
        assertThat(secretsA.getSecretValue(request -> request.secretId("binary")).secretBinary().asByteArray()).isEqualTo(bytes);

        // ListSecrets pages
        for (int i = 0; i < 3; i++) {
            int index = i;
            secretsA.createSecret(request -> request.name("list/" + index).secretString("v" + index));
        }
        List<String> names = new ArrayList<>();
        String token = null;
        for (int page = 0; page < 10; page++) {
            String next = token;
            ListSecretsResponse listed = secretsA.listSecrets(request -> request.maxResults(2).nextToken(next));
            assertThat(listed.secretList().size()).isLessThanOrEqualTo(2);
            listed.secretList().forEach(entry -> names.add(entry.name()));
            token = listed.nextToken();
            if (token == null) {
                break;
            }
        }
        // other tests add secrets to A meanwhile: these are among the whole list, which comes in name order, each once
        assertThat(names).contains("app/db", "binary", "list/0", "list/1", "list/2").doesNotHaveDuplicates().isSorted();

        // scheduled deletion: unreadable, still describable, name taken; forced deletion frees the name
        DeleteSecretResponse scheduled = secretsA.deleteSecret(request -> request.secretId("list/0").recoveryWindowInDays(7L));
        assertThat(scheduled.deletionDate()).isAfter(java.time.Instant.now().plus(Duration.ofDays(6)));
        assertThatThrownBy(() -> secretsA.getSecretValue(request -> request.secretId("list/0"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("marked for deletion");
        assertThat(secretsA.describeSecret(request -> request.secretId("list/0")).deletedDate()).isNotNull();
        assertThatThrownBy(() -> secretsA.createSecret(request -> request.name("list/0").secretString("again"))).isInstanceOf(InvalidRequestException.class);
        assertThat(secretsA.listSecrets(request -> {}).secretList()).extracting(entry -> entry.name()).doesNotContain("list/0");
        assertThat(secretsA.listSecrets(request -> request.includePlannedDeletion(true)).secretList()).extracting(entry -> entry.name()).contains("list/0");
        assertThatThrownBy(() -> secretsA.deleteSecret(request -> request.secretId("list/1").recoveryWindowInDays(3L))).isInstanceOf(InvalidParameterException.class);
        secretsA.deleteSecret(request -> request.secretId("list/0").forceDeleteWithoutRecovery(true));
        assertThatThrownBy(() -> secretsA.describeSecret(request -> request.secretId("list/0"))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(secretsA.createSecret(request -> request.name("list/0").secretString("reborn")).name()).isEqualTo("list/0");
        assertThat(secretsA.getSecretValue(request -> request.secretId("list/0")).secretString()).isEqualTo("reborn");
    }

    @Test
    void updateRestoreAndTagASecretAsTwoAccounts()
    {
        CreateSecretResponse created = secretsA.createSecret(request -> request.name("lifecycle/db").secretString("one").description("first")
                .tags(software.amazon.awssdk.services.secretsmanager.model.Tag.builder().key("team").value("red").build()));

        // UpdateSecret: a new description, and a new AWSCURRENT version when a value comes with it
        secretsA.updateSecret(request -> request.secretId("lifecycle/db").description("second"));
        assertThat(secretsA.getSecretValue(request -> request.secretId("lifecycle/db")).secretString()).isEqualTo("one");
        String versionId = secretsA.updateSecret(request -> request.secretId(created.arn()).secretString("two")).versionId();
        GetSecretValueResponse current = secretsA.getSecretValue(request -> request.secretId("lifecycle/db"));
        assertThat(current.secretString()).isEqualTo("two");
        assertThat(current.versionId()).isEqualTo(versionId);
        assertThat(secretsA.getSecretValue(request -> request.secretId("lifecycle/db").versionStage("AWSPREVIOUS")).secretString()).isEqualTo("one");
        assertThat(secretsA.describeSecret(request -> request.secretId("lifecycle/db")).description()).isEqualTo("second");
        assertThatThrownBy(() -> secretsA.updateSecret(request -> request.secretId("lifecycle/db").kmsKeyId("alias/mine")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("KmsKeyId");

        // TagResource and UntagResource: a key already there takes the new value
        secretsA.tagResource(request -> request.secretId("lifecycle/db").tags(
                software.amazon.awssdk.services.secretsmanager.model.Tag.builder().key("team").value("blue").build(),
                software.amazon.awssdk.services.secretsmanager.model.Tag.builder().key("env").value("prod").build()));
        assertThat(secretsA.describeSecret(request -> request.secretId("lifecycle/db")).tags())
                .extracting(tag -> tag.key() + "=" + tag.value()).containsExactly("team=blue", "env=prod");
        secretsA.untagResource(request -> request.secretId("lifecycle/db").tagKeys("team", "absent"));
        assertThat(secretsA.describeSecret(request -> request.secretId("lifecycle/db")).tags()).extracting(tag -> tag.key()).containsExactly("env");
        assertThatThrownBy(() -> secretsA.tagResource(request -> request.secretId("lifecycle/db")
                .tags(software.amazon.awssdk.services.secretsmanager.model.Tag.builder().key("aws:owner").value("x").build())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("aws:");

        // the other account can neither change, tag, delete nor restore it
        assertThatThrownBy(() -> secretsB.updateSecret(request -> request.secretId(created.arn()).secretString("theirs"))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> secretsB.tagResource(request -> request.secretId(created.arn())
                .tags(software.amazon.awssdk.services.secretsmanager.model.Tag.builder().key("k").value("v").build()))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> secretsB.restoreSecret(request -> request.secretId(created.arn()))).isInstanceOf(ResourceNotFoundException.class);

        // DeleteSecret with a recovery window: unreadable and its name taken until RestoreSecret brings it back whole
        secretsA.deleteSecret(request -> request.secretId("lifecycle/db").recoveryWindowInDays(7L));
        assertThatThrownBy(() -> secretsA.getSecretValue(request -> request.secretId("lifecycle/db"))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> secretsA.updateSecret(request -> request.secretId("lifecycle/db").secretString("three"))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> secretsA.createSecret(request -> request.name("lifecycle/db").secretString("again"))).isInstanceOf(InvalidRequestException.class);
        assertThat(secretsA.restoreSecret(request -> request.secretId("lifecycle/db")).arn()).isEqualTo(created.arn());
        assertThat(secretsA.getSecretValue(request -> request.secretId("lifecycle/db")).secretString()).isEqualTo("two");
        assertThat(secretsA.describeSecret(request -> request.secretId("lifecycle/db")).deletedDate()).isNull();

        // ForceDeleteWithoutRecovery: gone at once, nothing to restore, the name free
        secretsA.deleteSecret(request -> request.secretId("lifecycle/db").forceDeleteWithoutRecovery(true));
        assertThatThrownBy(() -> secretsA.restoreSecret(request -> request.secretId("lifecycle/db"))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(secretsA.createSecret(request -> request.name("lifecycle/db").secretString("new")).arn()).isNotEqualTo(created.arn());
    }

    @Test
    void everyParameterStoreActionAsTwoAccounts()
    {
        assertThat(ssmA.putParameter(request -> request.name("/svc/url").value("https://example").type(ParameterType.STRING)).version()).isEqualTo(1L);
        assertThatThrownBy(() -> ssmA.putParameter(request -> request.name("/svc/url").value("x").type(ParameterType.STRING)))
                .isInstanceOf(ParameterAlreadyExistsException.class);
        assertThat(ssmA.putParameter(request -> request.name("/svc/url").value("https://example/v2").overwrite(true)).version()).isEqualTo(2L);
        ssmA.putParameter(request -> request.name("/svc/hosts").value("a,b").type(ParameterType.STRING_LIST));
        ssmA.putParameter(request -> request.name("/svc/token").value("ssm-secure-value").type(ParameterType.SECURE_STRING));
        ssmA.putParameter(request -> request.name("/svc/deep/level").value("deep").type(ParameterType.STRING));
        ssmA.putParameter(request -> request.name("plain").value("p").type(ParameterType.STRING));

        Parameter url = ssmA.getParameter(request -> request.name("/svc/url")).parameter();
        assertThat(url.value()).isEqualTo("https://example/v2");
        assertThat(url.version()).isEqualTo(2L);
        assertThat(url.arn()).isEqualTo("arn:aws:ssm:us-east-1:" + a.accountId() + ":parameter/svc/url");
        assertThat(ssmA.getParameter(request -> request.name("plain")).parameter().arn()).isEqualTo("arn:aws:ssm:us-east-1:" + a.accountId() + ":parameter/plain");
        assertThat(ssmA.getParameter(request -> request.name("/svc/hosts")).parameter().type()).isEqualTo(ParameterType.STRING_LIST);

        // a SecureString is clear only when asked to decrypt
        Parameter encrypted = ssmA.getParameter(request -> request.name("/svc/token")).parameter();
        assertThat(encrypted.type()).isEqualTo(ParameterType.SECURE_STRING);
        assertThat(encrypted.value()).isNotEmpty().isNotEqualTo("ssm-secure-value").doesNotContain("ssm-secure-value");
        assertThat(ssmA.getParameter(request -> request.name("/svc/token").withDecryption(true)).parameter().value()).isEqualTo("ssm-secure-value");

        GetParametersResponse several = ssmA.getParameters(request -> request.names("/svc/url", "/svc/nope", "plain").withDecryption(true));
        assertThat(several.parameters()).extracting(Parameter::name).containsExactly("/svc/url", "plain");
        assertThat(several.invalidParameters()).containsExactly("/svc/nope");

        GetParametersByPathResponse level = ssmA.getParametersByPath(request -> request.path("/svc").withDecryption(true));
        assertThat(level.parameters()).extracting(Parameter::name).containsExactly("/svc/hosts", "/svc/token", "/svc/url");
        List<String> recursive = new ArrayList<>();
        String token = null;
        for (int page = 0; page < 10; page++) {
            String next = token;
            GetParametersByPathResponse response = ssmA.getParametersByPath(request -> request.path("/svc").recursive(true).maxResults(2).nextToken(next));
            response.parameters().forEach(parameter -> recursive.add(parameter.name()));
            token = response.nextToken();
            if (token == null) {
                break;
            }
        }
        assertThat(recursive).containsExactly("/svc/deep/level", "/svc/hosts", "/svc/token", "/svc/url");

        // another account sees none of it
        assertThatThrownBy(() -> ssmB.getParameter(request -> request.name("/svc/url"))).isInstanceOf(ParameterNotFoundException.class);
        assertThat(ssmB.getParameters(request -> request.names("/svc/url")).invalidParameters()).containsExactly("/svc/url");
        assertThat(ssmB.getParametersByPath(request -> request.path("/svc").recursive(true)).parameters()).isEmpty();
        assertThatThrownBy(() -> ssmB.deleteParameter(request -> request.name("/svc/url"))).isInstanceOf(ParameterNotFoundException.class);
        // and the same name in B is B's own
        assertThat(ssmB.putParameter(request -> request.name("/svc/url").value("b").type(ParameterType.STRING)).version()).isEqualTo(1L);
        assertThat(ssmA.getParameter(request -> request.name("/svc/url")).parameter().value()).isEqualTo("https://example/v2");

        // validation: a new parameter needs a type; fields Berth does not honour are refused
        assertThatThrownBy(() -> ssmA.putParameter(request -> request.name("/svc/untyped").value("x")))
                .isInstanceOfSatisfying(SsmException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> ssmA.putParameter(request -> request.name("/svc/kms").value("x").type(ParameterType.SECURE_STRING).keyId("alias/mine")))
                .isInstanceOfSatisfying(SsmException.class, e -> assertThat(e.getMessage()).contains("KeyId"));
        assertThatThrownBy(() -> ssmA.getParametersByPath(request -> request.path("no-slash")))
                .isInstanceOfSatisfying(SsmException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));

        ssmA.deleteParameter(request -> request.name("/svc/url"));
        assertThatThrownBy(() -> ssmA.getParameter(request -> request.name("/svc/url"))).isInstanceOf(ParameterNotFoundException.class);
        assertThatThrownBy(() -> ssmA.deleteParameter(request -> request.name("/svc/url"))).isInstanceOf(ParameterNotFoundException.class);
    }

    @Test
    void secretsReachTheContainerAndNothingElse()
            throws IOException
    {
        String password = "pw-" + Long.toHexString(new SecureRandom().nextLong());
        String apiKey = "key-" + Long.toHexString(new SecureRandom().nextLong());
        String ssmToken = "ssm-" + Long.toHexString(new SecureRandom().nextLong());
        String whole = secretsA.createSecret(request -> request.name("task/password").secretString(password)).arn();
        String json = secretsA.createSecret(request -> request.name("task/json").secretString("{\"apiKey\": \"" + apiKey + "\", \"user\": \"admin\"}")).arn();
        ssmA.putParameter(request -> request.name("/task/token").value(ssmToken).type(ParameterType.SECURE_STRING));
        List<Secret> secrets = List.of(
                Secret.builder().name("DB_PASSWORD").valueFrom(whole).build(),
                Secret.builder().name("API_KEY").valueFrom(json + ":apiKey::").build(),
                Secret.builder().name("TOKEN").valueFrom("arn:aws:ssm:us-east-1:" + a.accountId() + ":parameter/task/token").build(),
                Secret.builder().name("TOKEN_BY_NAME").valueFrom("/task/token").build());
        String definition = register(ecsA, "with-secrets", environment.image(), List.of("sh", "-c",
                "echo password=$DB_PASSWORD; echo api=$API_KEY; echo token=$TOKEN; echo byname=$TOKEN_BY_NAME"), secrets, null);

        Task task = runToStop(ecsA, definition);
        assertThat(task.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(task.containers().get(0).exitCode()).isZero();
        assertThat(logs(a, task.taskArn())).extracting(LogLines.Line::text)
                .containsExactly("password=" + password, "api=" + apiKey, "token=" + ssmToken, "byname=" + ssmToken);

        // nowhere else: not in DescribeTasks (nor the task definition, which holds only the references), not in
        // anything Berth logged, not in the bytes of the store
        String described = ecsA.describeTasks(request -> request.cluster(CLUSTER).tasks(task.taskArn())).toString()
                + ecsA.describeTaskDefinition(request -> request.taskDefinition(definition)).toString();
        assertThat(described).contains("DB_PASSWORD").doesNotContain(password).doesNotContain(apiKey).doesNotContain(ssmToken);
        String log = logged.toString(StandardCharsets.UTF_8);
        assertThat(log).contains(task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1)).doesNotContain(password).doesNotContain(apiKey).doesNotContain(ssmToken);
        List<Path> storeFiles;
        try (Stream<Path> files = Files.walk(environment.dataDirectory())) {
            storeFiles = files.filter(file -> file.getFileName().toString().matches("berth\\.db.*")).toList();
        }
        assertThat(storeFiles).isNotEmpty();
        for (Path file : storeFiles) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(file.toString()).doesNotContain(password).doesNotContain(apiKey).doesNotContain(ssmToken);
        }
        // the key that seals them sits in the data directory, readable by its owner only
        try (Stream<Path> files = Files.walk(environment.dataDirectory())) {
            Path key = files.filter(file -> file.getFileName().toString().equals("secrets.key")).findFirst().orElseThrow();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
    }

    @Test
    void secretsReachASandboxedContainer()
    {
        SecretsManagerClient secrets = environment.secretsManager(sandboxed);
        EcsClient ecs = environment.client(sandboxed.accessKeyId(), sandboxed.secretAccessKey());
        try (secrets; ecs) {
            ecs.createCluster(request -> request.clusterName(CLUSTER));
            String arn = secrets.createSecret(request -> request.name("sandbox/secret").secretString("sandboxed-value")).arn();
            String definition = register(ecs, "sandbox-secrets", environment.image(), List.of("sh", "-c", "echo value=$VALUE"),
                    List.of(Secret.builder().name("VALUE").valueFrom(arn).build()), null);
            Task task = runToStop(ecs, definition);
            assertThat(task.containers().get(0).exitCode()).isZero();
            assertThat(logs(sandboxed, task.taskArn())).extracting(LogLines.Line::text).containsExactly("value=sandboxed-value");
        }
    }

    @Test
    void aForeignOrMissingSecretStopsTheTaskBeforeItStarts()
    {
        String foreign = secretsA.createSecret(request -> request.name("only-a").secretString("a-only-value")).arn();
        String definition = register(ecsB, "foreign-secret", environment.image(), List.of("sh", "-c", "echo leaked=$STOLEN"),
                List.of(Secret.builder().name("STOLEN").valueFrom(foreign).build()), null);
        Task task = runToStop(ecsB, definition);
        assertThat(task.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(task.stoppedReason()).startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ").contains(foreign)
                .contains("ResourceNotFoundException").doesNotContain("a-only-value");
        assertThat(task.startedAt()).isNull();

        String missing = register(ecsA, "missing-parameter", environment.image(), List.of("true"),
                List.of(Secret.builder().name("NOPE").valueFrom("/does/not/exist").build()), null);
        Task missingTask = runToStop(ecsA, missing);
        assertThat(missingTask.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(missingTask.stoppedReason()).startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ").contains("/does/not/exist");

        String missingKey = register(ecsA, "missing-json-key", environment.image(), List.of("true"),
                List.of(Secret.builder().name("NOPE").valueFrom(secretsA.createSecret(request -> request.name("json-without-key").secretString("{\"a\": 1}")).arn() + ":b::").build()),
                null);
        assertThat(runToStop(ecsA, missingKey).stoppedReason()).contains("json key b");
    }

    @Test
    void repositoryCredentialsPullFromAPrivateRegistry()
            throws IOException
    {
        String user = "puller";
        String secretPassword = "registry-" + Long.toHexString(new SecureRandom().nextLong());
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Path htpasswd = work.resolve("htpasswd");
        Files.writeString(htpasswd, user + ":" + OpenBSDBCrypt.generate("2y", secretPassword.toCharArray(), salt, 6) + "\n");
        try (TestRegistry registry = TestRegistry.startWithHtpasswd(htpasswd)) {
            String image = TestImages.pushBusybox(registry.hostPort(), "private/busybox:1", user, secretPassword);
            String credentials = secretsA.createSecret(request -> request.name("registry/login")
                    .secretString("{\"username\": \"" + user + "\", \"password\": \"" + secretPassword + "\"}")).arn();

            Task pulled = runToStop(ecsA, register(ecsA, "private-image", image, List.of("echo", "pulled-privately"), List.of(), credentials));
            assertThat(pulled.stoppedReason()).doesNotContain("Error");
            assertThat(pulled.containers().get(0).exitCode()).isZero();
            assertThat(logs(a, pulled.taskArn())).extracting(LogLines.Line::text).containsExactly("pulled-privately");

            // the credential was that task's only: without it the same image does not pull (cached layers or not)
            Task without = runToStop(ecsA, register(ecsA, "private-image-without", image, List.of("echo", "must-not-run"), List.of(), null));
            assertThat(without.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            assertThat(without.stoppedReason()).startsWith("CannotPullContainerError");
            assertThat(without.startedAt()).isNull();

            // another account's credentials, or none such: the task stops naming them
            Task foreign = runToStop(ecsB, register(ecsB, "foreign-credentials", image, List.of("echo", "must-not-run"), List.of(), credentials));
            assertThat(foreign.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            assertThat(foreign.stoppedReason()).startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ").contains(credentials);
            String wrongArn = "arn:aws:secretsmanager:us-east-1:" + a.accountId() + ":secret:registry/none-AbCdEf";
            Task wrong = runToStop(ecsA, register(ecsA, "wrong-credentials", image, List.of("echo", "must-not-run"), List.of(), wrongArn));
            assertThat(wrong.stoppedReason()).startsWith("ResourceInitializationError: ").contains(wrongArn);

            // credentials the registry refuses: the pull fails
            String bad = secretsA.createSecret(request -> request.name("registry/bad").secretString("{\"username\": \"" + user + "\", \"password\": \"wrong\"}")).arn();
            Task refused = runToStop(ecsA, register(ecsA, "bad-credentials", image, List.of("echo", "must-not-run"), List.of(), bad));
            assertThat(refused.stoppedReason()).startsWith("CannotPullContainerError");
        }
        assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain(secretPassword);
    }

    private static String register(EcsClient ecs, String family, String image, List<String> command, List<Secret> secrets, String credentialsParameter)
    {
        ContainerDefinition.Builder container = ContainerDefinition.builder().name("main").image(image).essential(true).command(command).stopTimeout(2)
                .secrets(secrets);
        if (credentialsParameter != null) {
            container.repositoryCredentials(RepositoryCredentials.builder().credentialsParameter(credentialsParameter).build());
        }
        return ecs.registerTaskDefinition(request -> request.family(family).cpu("256").memory("512").networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE).containerDefinitions(container.build()))
                .taskDefinition().taskDefinitionArn();
    }

    private List<LogLines.Line> logs(AccountKeys keys, String taskArn)
    {
        try (io.berth.cli.client.BerthClient client = SignedClients.of(environment, keys)) {
            return LogLines.readAll(client, CLUSTER, taskArn);
        }
    }

    private static Task runToStop(EcsClient ecs, String definition)
    {
        String taskArn = ecs.runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE).networkConfiguration(BerthEnvironment.awsvpc())).tasks().get(0).taskArn();
        return BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
    }

    /** Writes to both streams. */
    private static final class Tee
            extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b)
                throws IOException
        {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
                throws IOException
        {
            first.write(bytes, offset, length);
            synchronized (second) {
                second.write(bytes, offset, length);
            }
        }
    }
}
