package io.berth.e2e;

import io.berth.common.sigv4.SigV4Credentials;
import io.berth.common.sigv4.SigV4Signer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Correctly signed raw requests with any body and target, to see how Berth answers bad input. */
final class SignedRequests
{
    private final URI endpoint;
    private final SigV4Credentials credentials;
    private final HttpClient http = HttpClient.newHttpClient();

    SignedRequests(BerthEnvironment environment)
    {
        this.endpoint = environment.berth().endpoint();
        this.credentials = new SigV4Credentials(environment.berth().operatorKey().accessKeyId(), environment.berth().operatorKey().secretAccessKey());
    }

    HttpResponse<String> post(String action, String body)
            throws IOException, InterruptedException
    {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + action);
        URI uri = endpoint.resolve("/");
        headers.putAll(new SigV4Signer("ecs", true).sign("POST", uri, headers, bytes, credentials, "us-east-1", Instant.now()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host")) {
                request.header(name, value);
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
