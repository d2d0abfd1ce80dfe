package io.berth.controlplane.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.common.sigv4.SigV4Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The protocol edge seen through raw HTTP: the cases an SDK would never send. */
class ApiServerHttpTest
{
    private static final SigV4Credentials CREDENTIALS = new SigV4Credentials(TestApi.KEY.accessKeyId(), TestApi.KEY.secretAccessKey());
    private static final int SMALL_BODY_LIMIT = 4096;

    private static TestApi api;
    private static HttpClient http;

    @BeforeAll
    static void start()
    {
        api = new TestApi(Clock.systemUTC(), SMALL_BODY_LIMIT);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop()
    {
        http.close();
        api.close();
    }

    record Response(int status, Map<String, String> headers, JsonNode body) {}

    private static Response ecs(String target, String body)
            throws Exception
    {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.1");
        if (target != null) {
            headers.put("X-Amz-Target", target);
        }
        return send("POST", "/", headers, body, true, Instant.now(), new SigV4Signer("ecs", false));
    }

    /** ListClusters with an empty body, signed at the given time by the given signer. */
    private static Response signedListClusters(Instant signingTime, SigV4Signer signer)
            throws IOException, InterruptedException
    {
        return send("POST", "/", Map.of("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"), "{}", true, signingTime, signer);
    }

    private static Response send(String method, String pathAndQuery, Map<String, String> headers, String body, boolean sign, Instant signingTime, SigV4Signer signer)
            throws IOException, InterruptedException
    {
        URI uri = URI.create(api.server.endpoint() + pathAndQuery);
        byte[] bytes = body.getBytes(UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        if (sign) {
            signer.sign(method, uri, headers, bytes, CREDENTIALS, "us-east-1", signingTime).forEach(request::header);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> responseHeaders = new HashMap<>();
        response.headers().map().forEach((name, values) -> responseHeaders.put(name.toLowerCase(), values.getFirst()));
        return new Response(response.statusCode(), responseHeaders, Json.mapper().readTree(response.body()));
    }

    private static void assertError(Response response, int status, String type, String messagePart)
    {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.body().path("__type").asText()).isEqualTo(type);
        assertThat(response.body().path("message").asText()).contains(messagePart);
        assertThat(response.headers().get("x-amzn-requestid")).matches("[0-9a-f-]{36}");
        assertThat(response.body().toString()).doesNotContain("at io.berth");
    }

    @Test
    void successCarriesContentTypeAndRequestId()
            throws Exception
    {
        Response response = ecs("AmazonEC2ContainerServiceV20141113.ListClusters", "{}");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("content-type")).isEqualTo("application/x-amz-json-1.1");
        assertThat(response.headers().get("x-amzn-requestid")).matches("[0-9a-f-]{36}");
        assertThat(response.body().path("clusterArns").get(0).asText()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:cluster/default");
    }

    @Test
    void emptyBodyIsAnEmptyRequest()
            throws Exception
    {
        assertThat(ecs("AmazonEC2ContainerServiceV20141113.ListClusters", "").status()).isEqualTo(200);
    }

    @Test
    void malformedJsonIsASerializationError()
            throws Exception
    {
        assertError(ecs("AmazonEC2ContainerServiceV20141113.DescribeClusters", "{\"clusters\": [\"a\""), 400, "SerializationException", "not valid JSON");
    }

    @Test
    void nonObjectBodyIsASerializationError()
            throws Exception
    {
        assertError(ecs("AmazonEC2ContainerServiceV20141113.DescribeClusters", "[1, 2]"), 400, "SerializationException", "must be a JSON object, not an array");
    }

    @Test
    void aStoreTooBusyToServeInTimeIsThrottlingNotAServerError()
            throws Exception
    {
        assertError(ecs("AmazonEC2ContainerServiceV20141113.ListTaskDefinitionFamilies", "{}"), 400, "ThrottlingException", "Rate exceeded");
    }

    @Test
    void unknownAndMissingTargetsAreUnknownOperations()
            throws Exception
    {
        assertError(ecs("AmazonEC2ContainerServiceV20141113.LaunchRocket", "{}"), 400, "UnknownOperationException", "LaunchRocket");
        assertError(ecs("DynamoDB_20120810.ListTables", "{}"), 400, "UnknownOperationException", "is not an ECS action");
        assertError(ecs(null, "{}"), 400, "UnknownOperationException", "Missing X-Amz-Target");
    }

    @Test
    void unsignedRequestIsMissingAuthentication()
            throws Exception
    {
        Response response = send("POST", "/", Map.of("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"), "{}", false, Instant.now(), new SigV4Signer("ecs", false));
        assertError(response, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }

    @Test
    void malformedAuthorizationIsAnIncompleteSignature()
            throws Exception
    {
        Response response = send("POST", "/", Map.of("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST"), "{}", false, Instant.now(), new SigV4Signer("ecs", false));
        assertError(response, 400, "IncompleteSignatureException", "SignedHeaders");
    }

    @Test
    void targetOutsideTheSignatureIsAnIncompleteSignature()
            throws Exception
    {
        // signed without X-Amz-Target, which is then added: the signature would otherwise hold for any action
        URI uri = URI.create(api.server.endpoint() + "/");
        byte[] body = "{}".getBytes(UTF_8);
        Map<String, String> signed = new SigV4Signer("ecs", false).sign("POST", uri, Map.of("Content-Type", "application/x-amz-json-1.1"), body, CREDENTIALS, "us-east-1", Instant.now());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeClusters");
        signed.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(response.body());
        assertThat(error.path("__type").asText()).isEqualTo("IncompleteSignatureException");
        assertThat(error.path("message").asText()).contains("'X-Amz-Target' must be a 'SignedHeader'");
    }

    @Test
    void oldSignatureHasExpired()
            throws Exception
    {
        Response response = signedListClusters(Instant.now().minus(Duration.ofMinutes(20)), new SigV4Signer("ecs", false));
        assertError(response, 400, "InvalidSignatureException", "Signature expired");
    }

    @Test
    void signatureFromTheFutureIsRefused()
            throws Exception
    {
        Response response = signedListClusters(Instant.now().plus(Duration.ofMinutes(20)), new SigV4Signer("ecs", false));
        assertError(response, 400, "InvalidSignatureException", "Signature not yet current");
    }

    @Test
    void credentialScopeMustBeEcs()
            throws Exception
    {
        Response response = signedListClusters(Instant.now(), new SigV4Signer("s3", false));
        assertError(response, 400, "InvalidSignatureException", "Credential should be scoped to correct service: 'ecs'");
    }

    @Test
    void contentHashMustMatchTheBody()
            throws Exception
    {
        Map<String, String> headers = Map.of(
                "X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters",
                "X-Amz-Content-Sha256", "0".repeat(64));
        Response response = send("POST", "/", headers, "{}", true, Instant.now(), new SigV4Signer("ecs", false));
        assertError(response, 400, "InvalidSignatureException", "x-amz-content-sha256");
    }

    @Test
    void signedContentHashIsAccepted()
            throws Exception
    {
        Response response = signedListClusters(Instant.now(), new SigV4Signer("ecs", true));
        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void bodyOverTheLimitIsRefused()
            throws Exception
    {
        String body = "{\"clusters\": [\"" + "x".repeat(SMALL_BODY_LIMIT) + "\"]}";
        assertError(ecs("AmazonEC2ContainerServiceV20141113.DescribeClusters", body), 413, "RequestEntityTooLargeException", "larger than the limit of 4096 bytes");
    }

    @Test
    void adminGetWithPathParametersAndQuery()
            throws Exception
    {
        Response response = send("GET", "/berth/tasks/arn%3Aaws%3Aecs%3Aus-east-1%3A123456789012%3Atask%2Fdefault%2Fabc/logs?cluster=my%20cluster&nextToken=42",
                Map.of(), "", true, Instant.now(), new SigV4Signer("ecs", false));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("content-type")).isEqualTo("application/json");
        assertThat(response.body().path("taskId").asText()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:task/default/abc");
        assertThat(response.body().path("query").path("cluster").asText()).isEqualTo("my cluster");
        assertThat(response.body().path("query").path("nextToken").asText()).isEqualTo("42");
        assertThat(response.body().path("bodyIsEmptyObject").asBoolean()).isTrue();
    }

    @Test
    void adminPostWithBody()
            throws Exception
    {
        Response response = send("POST", "/berth/accounts", Map.of("Content-Type", "application/json"), "{\"name\": \"team-a\"}", true, Instant.now(), new SigV4Signer("ecs", false));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().path("name").asText()).isEqualTo("team-a");
        assertThat(response.body().path("createdBy").asText()).isEqualTo("123456789012");
    }

    @Test
    void adminQueryIsPartOfTheSignature()
            throws Exception
    {
        URI signedUri = URI.create(api.server.endpoint() + "/berth/tasks/abc/logs?nextToken=1");
        Map<String, String> signature = new SigV4Signer("ecs", false).sign("GET", signedUri, Map.of(), new byte[0], CREDENTIALS, "us-east-1", Instant.now());
        HttpRequest.Builder tampered = HttpRequest.newBuilder(URI.create(api.server.endpoint() + "/berth/tasks/abc/logs?nextToken=2")).GET();
        signature.forEach(tampered::header);
        HttpResponse<String> response = http.send(tampered.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(response.body()).path("__type").asText()).isEqualTo("InvalidSignatureException");
    }

    @Test
    void adminUnknownPathAndWrongMethod()
            throws Exception
    {
        assertError(send("GET", "/berth/nothing-here", Map.of(), "", true, Instant.now(), new SigV4Signer("ecs", false)),
                404, "UnknownOperationException", "No Berth endpoint at GET /berth/nothing-here");
        assertError(send("DELETE", "/berth/accounts", Map.of(), "", true, Instant.now(), new SigV4Signer("ecs", false)),
                405, "UnknownOperationException", "Method DELETE is not allowed");
    }
}
