package io.berth.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Accounts cannot see each other; bad requests get the ECS error shape. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsAndProtocolEndToEndTest
{
    private BerthEnvironment environment;

    @BeforeAll
    void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-accounts"));
    }

    @AfterAll
    void stopBerth()
            throws Exception
    {
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void twoAccountsCannotSeeEachOther()
    {
        AccountKeys other = AccountKeys.create(environment, "tenant-b");
        try (EcsClient operator = environment.operatorClient(); EcsClient tenant = environment.client(other.accessKeyId(), other.secretAccessKey())) {
            operator.createCluster(request -> request.clusterName("private"));
            String definition = operator.registerTaskDefinition(request -> request.family("private-family").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                    .containerDefinitions(ContainerDefinition.builder().name("main").image(environment.image()).command("sleep", "600").stopTimeout(1).build()))
                    .taskDefinition().taskDefinitionArn();
            String taskArn = operator.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster("private").taskDefinition(definition)).tasks().get(0).taskArn();

            assertThat(tenant.listClusters().clusterArns()).noneMatch(arn -> arn.endsWith("/private"));
            assertThat(tenant.describeClusters(request -> request.clusters("private")).failures()).singleElement()
                    .satisfies(failure -> assertThat(failure.reason()).isEqualTo("MISSING"));
            assertThat(tenant.listTaskDefinitionFamilies().families()).doesNotContain("private-family");
            assertThatThrownBy(() -> tenant.describeTaskDefinition(request -> request.taskDefinition(definition)))
                    .isInstanceOf(EcsException.class);
            assertThatThrownBy(() -> tenant.stopTask(request -> request.cluster("private").task(taskArn)))
                    .isInstanceOf(EcsException.class);
            assertThatThrownBy(() -> tenant.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition(definition)))
                    .isInstanceOf(EcsException.class);
            assertThatThrownBy(() -> tenant.describeTasks(request -> request.cluster("private").tasks(taskArn)))
                    .isInstanceOf(software.amazon.awssdk.services.ecs.model.ClusterNotFoundException.class);

            tenant.createCluster(request -> request.clusterName("private"));
            assertThat(tenant.describeTasks(request -> request.cluster("private").tasks(taskArn)).failures()).singleElement()
                    .satisfies(failure -> assertThat(failure.reason()).isEqualTo("MISSING"));
            assertThat(tenant.listTasks(request -> request.cluster("private")).taskArns()).isEmpty();

            operator.stopTask(request -> request.cluster("private").task(taskArn));
        }
    }

    @Test
    void wrongSecretIsRejected()
    {
        try (EcsClient forged = environment.client(environment.berth().operatorKey().accessKeyId(), "not-the-secret-not-the-secret-not-the-s")) {
            assertThatThrownBy(forged::listClusters)
                    .isInstanceOfSatisfying(EcsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException"));
        }
    }

    @Test
    void unknownAccessKeyIsRejected()
    {
        try (EcsClient stranger = environment.client("AKIAUNKNOWNKEY000000", "secretsecretsecretsecretsecretsecretsecr")) {
            assertThatThrownBy(stranger::listClusters)
                    .isInstanceOfSatisfying(EcsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        }
    }

    @Test
    void unsignedRequestIsRejectedWithTheErrorShape()
            throws Exception
    {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(environment.berth().endpoint())
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isBetween(400, 403);
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(response.body()).contains("\"__type\"").contains("\"message\"");
    }

    @Test
    void malformedJsonAndUnknownActionGetTheErrorShape()
            throws Exception
    {
        SignedRequests signed = new SignedRequests(environment);
        HttpResponse<String> malformed = signed.post("ListClusters", "{not json");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("SerializationException");

        HttpResponse<String> unknown = signed.post("LaunchRockets", "{}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("UnknownOperationException");
    }

    @Test
    void missingClusterIsClusterNotFound()
    {
        try (EcsClient ecs = environment.operatorClient()) {
            assertThatThrownBy(() -> ecs.listTasks(request -> request.cluster("does-not-exist")))
                    .isInstanceOf(software.amazon.awssdk.services.ecs.model.ClusterNotFoundException.class);
        }
    }

}
