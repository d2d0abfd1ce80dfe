package io.berth.controlplane.api.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real AWS SDK for Java v2 must talk to ApiServer as it talks to Amazon ECS. */
class ApiServerSdkTest
{
    private static TestApi api;

    @BeforeAll
    static void start()
    {
        api = new TestApi();
    }

    @AfterAll
    static void stop()
    {
        api.close();
    }

    private static EcsClient client(String accessKeyId, String secret, Region region)
    {
        return EcsClient.builder()
                .endpointOverride(api.server.endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @Test
    void decodesSuccessAndTakesRegionFromTheCredentialScope()
    {
        try (EcsClient ecs = client(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey(), Region.EU_WEST_3)) {
            assertThat(ecs.listClusters().clusterArns()).containsExactly("arn:aws:ecs:eu-west-3:123456789012:cluster/default");
        }
    }

    @Test
    void passesTheRequestBodyToTheAction()
    {
        try (EcsClient ecs = client(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey(), Region.US_EAST_1)) {
            DescribeClustersResponse response = ecs.describeClusters(request -> request.clusters("alpha", "beta-cluster"));
            assertThat(response.clusters()).extracting(cluster -> cluster.clusterName() + "=" + cluster.runningTasksCount())
                    .containsExactly("alpha=5", "beta-cluster=12");
        }
    }

    @Test
    void decodesEcsErrorsIntoTheirModelledExceptions()
    {
        try (EcsClient ecs = client(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey(), Region.US_EAST_1)) {
            assertThatThrownBy(() -> ecs.listServices(request -> request.cluster("nowhere")))
                    .isInstanceOfSatisfying(ClusterNotFoundException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Cluster not found: nowhere");
                        assertThat(e.requestId()).matches("[0-9a-f-]{36}");
                    });
        }
    }

    @Test
    void answersAnUnmappedDomainRefusalInTheEcsShape()
    {
        try (EcsClient ecs = client(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey(), Region.US_EAST_1)) {
            assertThatThrownBy(() -> ecs.listContainerInstances(request -> request.cluster("elsewhere")))
                    .isInstanceOfSatisfying(ClusterNotFoundException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Cluster not found: elsewhere");
                    });
        }
    }

    @Test
    void hidesUnexpectedFailuresBehindServerException()
    {
        try (EcsClient ecs = client(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey(), Region.US_EAST_1)) {
            assertThatThrownBy(ecs::listTaskDefinitions)
                    .isInstanceOfSatisfying(software.amazon.awssdk.services.ecs.model.ServerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(500);
                        assertThat(e.awsErrorDetails().errorMessage()).doesNotContain("secret internal detail").contains(e.requestId());
                    });
        }
    }

    @Test
    void wrongSecretIsAnInvalidSignature()
    {
        try (EcsClient ecs = client(TestApi.KEY.accessKeyId(), "not-the-secret", Region.US_EAST_1)) {
            assertThatThrownBy(ecs::listClusters)
                    .isInstanceOfSatisfying(EcsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.awsErrorDetails().errorMessage()).startsWith("The request signature we calculated does not match");
                    });
        }
    }

    @Test
    void unknownAccessKeyIsAnUnrecognizedClient()
    {
        try (EcsClient ecs = client("AKIDUNKNOWN", TestApi.KEY.secretAccessKey(), Region.US_EAST_1)) {
            assertThatThrownBy(ecs::listClusters)
                    .isInstanceOfSatisfying(EcsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The security token included in the request is invalid.");
                    });
        }
    }

    @Test
    void unsupportedActionIsAnUnknownOperation()
    {
        try (EcsClient ecs = client(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey(), Region.US_EAST_1)) {
            assertThatThrownBy(ecs::listAccountSettings)
                    .isInstanceOfSatisfying(EcsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("ListAccountSettings");
                    });
        }
    }
}
