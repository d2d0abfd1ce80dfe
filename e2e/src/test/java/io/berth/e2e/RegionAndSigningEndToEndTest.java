package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.common.sigv4.SigV4Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

import java.net.URI;
import java.nio.file.Files;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The region of the signature's credential scope goes into every ARN a us-east-2 client is given (cluster, task
 * definition, task, container, ECR repository, the task's ENI details and availability zone), while a resource
 * stays addressable from any region by the ARN it was created with (one namespace per account; the region is only
 * ARN text). A request whose X-Amz-Target is not among the signed headers is refused as AWS refuses it.
 */
class RegionAndSigningEndToEndTest
{
    private static BerthEnvironment environment;
    private static EcsClient east2;
    private static EcsClient east1;

    @BeforeAll
    static void start()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-regions"));
        AccountKeys account = AccountKeys.create(environment, "regions");
        east2 = environment.client(account.accessKeyId(), account.secretAccessKey(), Region.US_EAST_2);
        east1 = environment.client(account.accessKeyId(), account.secretAccessKey(), Region.US_EAST_1);
    }

    @AfterAll
    static void stop()
            throws Exception
    {
        if (east2 != null) {
            east2.close();
            east1.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void aUsEast2ClientGetsUsEast2ArnsEverywhere()
    {
        String clusterArn = east2.createCluster(request -> request.clusterName("ohio")).cluster().clusterArn();
        assertThat(clusterArn).startsWith("arn:aws:ecs:us-east-2:");
        String definitionArn = BerthEnvironment.registerSingleContainer(east2, "ohio", environment.image(), List.of("sleep", "600"));
        assertThat(definitionArn).startsWith("arn:aws:ecs:us-east-2:");

        Task started = east2.runTask(request -> request.cluster("ohio").taskDefinition(definitionArn).networkConfiguration(BerthEnvironment.awsvpc()))
                .tasks().get(0);
        assertThat(started.taskArn()).startsWith("arn:aws:ecs:us-east-2:");
        assertThat(started.clusterArn()).isEqualTo(clusterArn);
        assertThat(started.containers().get(0).containerArn()).startsWith("arn:aws:ecs:us-east-2:");
        assertThat(started.availabilityZone()).isEqualTo("us-east-2a");

        Task running = BerthEnvironment.awaitStatus(east2, "ohio", started.taskArn(), "RUNNING", Duration.ofSeconds(60));
        Attachment eni = running.attachments().get(0);
        String dnsName = eni.details().stream().filter(detail -> detail.name().equals("privateDnsName")).map(KeyValuePair::value).findFirst().orElseThrow();
        assertThat(dnsName).endsWith(".us-east-2.compute.internal");

        // the missing are reported with the caller's region too
        assertThat(east2.describeClusters(request -> request.clusters("nowhere")).failures().get(0).arn()).startsWith("arn:aws:ecs:us-east-2:");
        // the default cluster, made on first use, takes the region of the request that made it
        assertThat(east2.listTasks().taskArns()).isEmpty();
        assertThat(east2.describeClusters(request -> request.clusters("default")).clusters().get(0).clusterArn()).startsWith("arn:aws:ecs:us-east-2:");

        // one namespace: a us-east-1 client of the same account finds the task by its us-east-2 ARN, and sees that ARN
        Task seenFromEast1 = east1.describeTasks(request -> request.cluster(clusterArn).tasks(started.taskArn())).tasks().get(0);
        assertThat(seenFromEast1.taskArn()).isEqualTo(started.taskArn());
        east1.stopTask(request -> request.cluster("ohio").task(started.taskArn()));
        BerthEnvironment.awaitStatus(east2, "ohio", started.taskArn(), "STOPPED", Duration.ofSeconds(60));

        AccountKeys keys = AccountKeys.create(environment, "regions-ecr");
        try (EcrClient ecr = environment.ecr(keys.accessKeyId(), keys.secretAccessKey(), Region.US_EAST_2)) {
            assertThat(ecr.createRepository(request -> request.repositoryName("ohio/app")).repository().repositoryArn()).startsWith("arn:aws:ecr:us-east-2:");
        }
    }

    @Test
    void aTargetOutsideTheSignedHeadersIsRefused()
            throws Exception
    {
        URI uri = environment.berth().endpoint().resolve("/");
        byte[] body = "{}".getBytes(UTF_8);
        SigV4Credentials credentials = new SigV4Credentials(environment.berth().operatorKey().accessKeyId(), environment.berth().operatorKey().secretAccessKey());
        // signed as a request with no target; the target is added afterwards
        Map<String, String> signed = new SigV4Signer("ecs", true).sign("POST", uri, Map.of("Content-Type", "application/x-amz-json-1.1"), body, credentials,
                "us-east-1", Instant.now());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeClusters");
        signed.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host")) {
                request.header(name, value);
            }
        });
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(response.body());
        assertThat(error.path("__type").asText()).isEqualTo("IncompleteSignatureException");
        assertThat(error.path("message").asText()).contains("'X-Amz-Target' must be a 'SignedHeader'");
    }
}
