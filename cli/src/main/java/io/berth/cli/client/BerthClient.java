package io.berth.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Signer;
import io.berth.common.sigv4.UriEncoding;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import io.berth.common.tls.TrustedCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Calls a Berth control plane: ECS actions (AWS JSON 1.1) and admin endpoints, each signed with SigV4.
 * Every failure becomes a {@link BerthClientException} with a one-line message.
 */
public final class BerthClient
        implements AutoCloseable
{
    private static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    private static final String ECR_TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final ObjectMapper mapper = Json.mapper();
    private final BerthClientConfig config;
    private final Clock clock;
    private final SigV4Signer signer = new SigV4Signer("ecs", true);
    private final SigV4Signer ecrSigner = new SigV4Signer("ecr", true);
    private final HttpClient http;
    /** Whether closing this client closes its HTTP client: not when the HTTP client is shared across commands. */
    private final boolean ownsHttp;

    public BerthClient(BerthClientConfig config, Clock clock)
    {
        this(config, clock, newHttpClient(config.caBundle()), true);
    }

    /** A client over the HTTP client that shared keeps for config's CA bundle, left open for the next command when this one closes. */
    public BerthClient(BerthClientConfig config, Clock clock, SharedHttpClients shared)
    {
        this(config, clock, shared.trusting(config.caBundle()), false);
    }

    private BerthClient(BerthClientConfig config, Clock clock, HttpClient http, boolean ownsHttp)
    {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.http = requireNonNull(http, "http is null");
        this.ownsHttp = ownsHttp;
    }

    static HttpClient newHttpClient(Path caBundle)
    {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(trust(caBundle))
                .build();
    }

    private static SSLContext trust(Path caBundle)
    {
        try {
            return TrustedCertificates.withSystem(caBundle);
        }
        catch (IOException e) {
            throw new BerthClientException("AWS_CA_BUNDLE: " + e.getMessage() + " (source the berth.env `berth server` or `berth up` wrote)");
        }
    }

    public BerthClientConfig config()
    {
        return config;
    }

    /** Calls an ECS action, e.g. ecs("RunTask", body), and returns the response document. */
    public JsonNode ecs(String action, ObjectNode body)
    {
        requireNonNull(action, "action is null");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Target", TARGET_PREFIX + action);
        return call(signer, "POST", baseUri("/", null), headers, toBytes(body == null ? mapper.createObjectNode() : body));
    }

    /** Calls an ECR action of Berth's registry, e.g. ecr("GetAuthorizationToken", body), signed for the ecr service. */
    public JsonNode ecr(String action, ObjectNode body)
    {
        requireNonNull(action, "action is null");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Target", ECR_TARGET_PREFIX + action);
        return call(ecrSigner, "POST", baseUri("/", null), headers, toBytes(body == null ? mapper.createObjectNode() : body));
    }

    /**
     * Calls an admin endpoint. path must already be encoded segment by segment (see {@link #pathSegment});
     * query values are encoded here. body may be null (no body, as for GET).
     */
    public JsonNode admin(String method, String path, Map<String, String> query, JsonNode body)
    {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        StringJoiner rawQuery = new StringJoiner("&");
        if (query != null) {
            query.forEach((name, value) -> {
                if (value != null) {
                    rawQuery.add(UriEncoding.encode(name, false) + "=" + UriEncoding.encode(value, false));
                }
            });
        }
        Map<String, String> headers = new LinkedHashMap<>();
        byte[] bytes = new byte[0];
        if (body != null) {
            headers.put("Content-Type", "application/json");
            bytes = toBytes(body);
        }
        return call(signer, method, baseUri(path, rawQuery.length() == 0 ? null : rawQuery.toString()), headers, bytes);
    }

    /** Encodes one path segment (a task id or an ARN) so that it stays one segment. */
    public static String pathSegment(String value)
    {
        return UriEncoding.encode(value, false);
    }

    private URI baseUri(String path, String rawQuery)
    {
        String base = config.endpoint().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path + (rawQuery == null ? "" : "?" + rawQuery));
    }

    private byte[] toBytes(JsonNode body)
    {
        try {
            return mapper.writeValueAsBytes(body);
        }
        catch (JsonProcessingException e) {
            throw new BerthClientException("Cannot encode the request as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode call(SigV4Signer requestSigner, String method, URI uri, Map<String, String> headers, byte[] body)
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .method(method, body.length == 0 && !method.equals("POST") && !method.equals("PUT")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        requestSigner.sign(method, uri, headers, body, config.credentials(), config.region(), clock.instant()).forEach(request::header);

        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (ConnectException e) {
            throw new BerthClientException("cannot reach Berth at " + config.endpoint() + ": is `berth up` running? (connection refused)", e);
        }
        catch (HttpConnectTimeoutException e) {
            throw new BerthClientException("cannot reach Berth at " + config.endpoint() + ": connection timed out; check BERTH_ENDPOINT", e);
        }
        catch (SSLHandshakeException e) {
            throw new BerthClientException("Berth at " + config.endpoint() + " is not trusted (" + e.getMessage() + "): set AWS_CA_BUNDLE to its CA, "
                    + "as the berth.env `berth server` or `berth up` wrote does", e);
        }
        catch (HttpTimeoutException e) {
            throw new BerthClientException("Berth at " + config.endpoint() + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " seconds", e);
        }
        catch (IOException e) {
            throw new BerthClientException("cannot reach Berth at " + config.endpoint() + ": " + describe(e), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BerthClientException("interrupted while calling Berth", e);
        }
        return decode(response);
    }

    private JsonNode decode(HttpResponse<byte[]> response)
    {
        JsonNode document;
        try {
            document = response.body().length == 0 ? mapper.createObjectNode() : mapper.readTree(response.body());
        }
        catch (IOException e) {
            String snippet = new String(response.body(), 0, Math.min(response.body().length, 200), UTF_8).strip();
            throw new BerthClientException("Berth at " + config.endpoint() + " answered HTTP " + response.statusCode() + " with a body that is not JSON: " + snippet);
        }
        if (response.statusCode() / 100 == 2) {
            return document;
        }
        String type = document.path("__type").asText("");
        // some AWS-style services qualify the type ("com.amazon.coral.service#UnknownOperationException")
        type = type.substring(type.indexOf('#') + 1);
        String message = document.path("message").asText(document.path("Message").asText(""));
        if (type.isEmpty()) {
            throw new BerthClientException("Berth at " + config.endpoint() + " answered HTTP " + response.statusCode() + (message.isEmpty() ? "" : ": " + message));
        }
        throw new BerthClientException(type + ": " + message, type, null);
    }

    private static String describe(IOException e)
    {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close()
    {
        if (ownsHttp) {
            http.close();
        }
    }
}
