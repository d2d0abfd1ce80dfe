package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.cli.client.BerthClientException;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static io.berth.e2e.BerthEnvironment.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tenants apart in placement and quotas on a real all-in-one Berth, through the AWS SDK for Java v2: B's 100
 * unplaceable tasks do not delay A's task; each quota refuses RunTask with a message naming it; an account past
 * its rate gets ThrottlingException and the SDK's default retries get through; a tenant cannot set quotas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FairPlacementAndQuotasEndToEndTest
{
    private static final Duration FEW_SECONDS = Duration.ofSeconds(15);

    private BerthEnvironment environment;
    private AccountKeys accountA;
    private AccountKeys accountB;
    private EcsClient tenantA;
    private EcsClient tenantB;
    private BerthClient operator;

    @BeforeAll
    void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-quotas"));
        operator = SignedClients.operator(environment);
        accountA = AccountKeys.create(environment, "tenant-a");
        accountB = AccountKeys.create(environment, "tenant-b");
        tenantA = environment.client(accountA.accessKeyId(), accountA.secretAccessKey());
        tenantB = environment.client(accountB.accessKeyId(), accountB.secretAccessKey());
        for (EcsClient tenant : List.of(tenantA, tenantB)) {
            environment.registerSleeper(tenant);
        }
    }

    @AfterAll
    void stopBerth()
            throws Exception
    {
        for (AutoCloseable closeable : new AutoCloseable[] {tenantA, tenantB, operator, environment}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    @Order(1)
    void anotherAccountsHundredUnplaceableTasksDoNotDelayATask()
    {
        PlacementConstraint nowhere = PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF).expression("attribute:disk == nvme").build();
        for (int i = 0; i < 10; i++) {
            assertThat(tenantB.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition("sleeper").count(10).placementConstraints(nowhere)).tasks()).hasSize(10);
        }
        String taskA = tenantA.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition("sleeper")).tasks().get(0).taskArn();

        awaitStatus(tenantA, "default", taskA, "RUNNING", FEW_SECONDS);
        assertThat(tenantB.listTasks(request -> request.desiredStatus("RUNNING").maxResults(100)).taskArns()).hasSize(100)
                .allSatisfy(arn -> assertThat(describe(tenantB, "default", arn).lastStatus()).isEqualTo("PROVISIONING"));
    }

    @Test
    @Order(2)
    void eachQuotaRefusesRunTaskNamingIt()
    {
        // A has one task not STOPPED (0.25 vCPU); B has 100 waiting
        setLimits(accountA, "{\"maxTasks\": 1}");
        assertThat(refusedRunTask(tenantA)).startsWith("Quota exceeded: max-tasks is 1 for this account; it has 1 tasks not STOPPED and this request asks for 1 more.");

        setLimits(accountA, "{\"maxTasks\": 0, \"maxVcpu\": 0.25}");
        assertThat(refusedRunTask(tenantA)).startsWith("Quota exceeded: max-vcpu is 0.25 vCPU for this account; its tasks not STOPPED use 0.25 vCPU and this request asks for 0.25 more.");

        setLimits(accountB, "{\"maxWaiting\": 100}");
        assertThat(refusedRunTask(tenantB)).startsWith("Quota exceeded: max-waiting is 100 for this account; it has 100 tasks waiting for a host (PROVISIONING) and this request asks for 1 more.");
        assertThat(tenantB.listTasks(request -> request.maxResults(100)).nextToken()).isNull();

        setLimits(accountA, "{\"maxVcpu\": 0}");
        String second = tenantA.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition("sleeper")).tasks().get(0).taskArn();
        awaitStatus(tenantA, "default", second, "RUNNING", FEW_SECONDS);
    }

    @Test
    @Order(3)
    void pastItsRateAnAccountIsThrottledAndTheSdkRetriesGetThrough()
    {
        setLimits(accountA, "{\"rate\": 2}");
        try (EcsClient noRetries = EcsClient.builder()
                .endpointOverride(environment.berth().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accountA.accessKeyId(), accountA.secretAccessKey())))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            EcsException throttled = null;
            for (int i = 0; i < 5 && throttled == null; i++) {
                throttled = catchThrowableOfType(EcsException.class, noRetries::listClusters);
            }
            assertThat(throttled).isNotNull();
            assertThat(throttled.statusCode()).isEqualTo(400);
            assertThat(throttled.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(throttled.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
        }
        // the environment's client has the SDK's default retry strategy
        for (int i = 0; i < 8; i++) {
            tenantA.listTasks();
        }
        // B's rate is its own
        for (int i = 0; i < 20; i++) {
            tenantB.listClusters();
        }
        setLimits(accountA, "{\"rate\": 0}");
    }

    @Test
    @Order(4)
    void aTenantCannotSetQuotas()
    {
        try (BerthClient asTenant = new BerthClient(new BerthClientConfig(environment.berth().endpoint(),
                new SigV4Credentials(accountB.accessKeyId(), accountB.secretAccessKey()), "us-east-1"), Clock.systemUTC())) {
            BerthClientException denied = catchThrowableOfType(BerthClientException.class, () -> asTenant.admin("PUT",
                    "/berth/accounts/" + accountB.accountId() + "/limits", Map.of(), Json.mapper().createObjectNode().put("maxWaiting", 0)));
            assertThat(denied.errorType()).hasValue("AccessDeniedException");
        }
        assertThat(refusedRunTask(tenantB)).startsWith("Quota exceeded: max-waiting is 100 ");
    }

    private JsonNode setLimits(AccountKeys account, String body)
    {
        try {
            return operator.admin("PUT", "/berth/accounts/" + account.accountId() + "/limits", Map.of(), Json.mapper().readTree(body));
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String refusedRunTask(EcsClient tenant)
    {
        ClientException refused = catchThrowableOfType(ClientException.class, () -> tenant.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition("sleeper")));
        assertThat(refused).as("RunTask refused").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(400);
        return refused.awsErrorDetails().errorMessage();
    }
}
