package io.berth.controlplane.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;

import java.io.IOException;
import java.net.URI;
import javax.net.ssl.SSLContext;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Reads a repository's images from docker-registry's own API (tags, then each tag's manifest) and deletes
 * manifests, with a token Berth signs for itself. Every call has deadlines: 5 s to connect, 30 s for the answer's
 * headers and 60 s for all of it; a registry that misses one is unavailable (a server error to the caller).
 */
public final class HttpRegistryContents
        implements RegistryContents
{
    private static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final String baseUri;
    private final RegistryTokens tokens;
    private final HttpClient client;
    private final Duration answerTimeout;

    public HttpRegistryContents(String address, RegistryTokens tokens)
    {
        this(address, tokens, CONNECT_TIMEOUT, ANSWER_TIMEOUT);
    }

    /** The registry of settings: over HTTPS trusting its CA when it serves TLS. */
    public HttpRegistryContents(RegistrySettings settings, RegistryTokens tokens)
    {
        this(settings.address(), settings.tls(), tokens, CONNECT_TIMEOUT, ANSWER_TIMEOUT);
    }

    /** answerTimeout: how long the registry may take to answer one request (its headers and body). */
    public HttpRegistryContents(String address, RegistryTokens tokens, Duration connectTimeout, Duration answerTimeout)
    {
        this(address, null, tokens, connectTimeout, answerTimeout);
    }

    /** tls: null for a registry on plain HTTP. */
    private HttpRegistryContents(String address, SSLContext tls, RegistryTokens tokens, Duration connectTimeout, Duration answerTimeout)
    {
        this.baseUri = (tls == null ? "http://" : "https://") + requireNonNull(address, "address is null") + "/v2/";
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.answerTimeout = requireNonNull(answerTimeout, "answerTimeout is null");
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.client = builder.build();
    }

    @Override
    public List<RegistryImage> images(String repositoryPath)
    {
        String authorization = authorization(repositoryPath, List.of("pull"));
        HttpResponse<byte[]> tagList = send(HttpRequest.newBuilder(URI.create(baseUri + repositoryPath + "/tags/list")).GET(), authorization);
        if (tagList.statusCode() == 404) {
            return List.of();
        }
        expect(tagList, 200, "the tags of " + repositoryPath);
        Map<String, List<String>> tagsByDigest = new LinkedHashMap<>();
        Map<String, RegistryImage> byDigest = new LinkedHashMap<>();
        for (JsonNode tag : json(tagList).path("tags")) {
            HttpResponse<byte[]> manifest = send(HttpRequest.newBuilder(URI.create(baseUri + repositoryPath + "/manifests/" + tag.asText()))
                    .header("Accept", ACCEPT).GET(), authorization);
            if (manifest.statusCode() == 404) {
                // deleted between the tag list and now
                continue;
            }
            expect(manifest, 200, "the manifest " + repositoryPath + ":" + tag.asText());
            String digest = manifest.headers().firstValue("Docker-Content-Digest").orElseGet(() -> sha256(manifest.body()));
            tagsByDigest.computeIfAbsent(digest, ignored -> new ArrayList<>()).add(tag.asText());
            byDigest.computeIfAbsent(digest, ignored -> describe(digest, manifest));
        }
        return byDigest.values().stream()
                .map(image -> new RegistryImage(image.digest(), tagsByDigest.get(image.digest()), image.sizeBytes(), image.manifestMediaType(), image.artifactMediaType()))
                .toList();
    }

    @Override
    public boolean deleteManifest(String repositoryPath, String digest)
    {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(baseUri + repositoryPath + "/manifests/" + digest)).DELETE(),
                authorization(repositoryPath, List.of("pull", "delete")));
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 202, "deleting " + repositoryPath + "@" + digest);
        return true;
    }

    private RegistryImage describe(String digest, HttpResponse<byte[]> manifest)
    {
        JsonNode body = json(manifest);
        String mediaType = body.path("mediaType").asText(manifest.headers().firstValue("Content-Type").orElse("application/vnd.oci.image.manifest.v1+json"));
        long size = 0;
        String artifactMediaType = null;
        if (body.has("manifests")) {
            for (JsonNode entry : body.path("manifests")) {
                size += entry.path("size").asLong();
            }
        }
        else {
            size += body.path("config").path("size").asLong();
            artifactMediaType = body.path("config").path("mediaType").asText(null);
            for (JsonNode layer : body.path("layers")) {
                size += layer.path("size").asLong();
            }
        }
        return new RegistryImage(digest, List.of(), size, mediaType, artifactMediaType);
    }

    private String authorization(String repositoryPath, List<String> actions)
    {
        return "Bearer " + tokens.access(RegistrySettings.ISSUER, List.of(AccessGrant.repository(repositoryPath, actions)));
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, String authorization)
    {
        HttpRequest built = request.timeout(answerTimeout).header("Authorization", authorization).build();
        String what = built.method() + " " + built.uri().getPath();
        // the client's timeout ends with the headers: the whole answer gets a deadline of its own
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return answer.get(answerTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            throw new RegistryUnavailableException("the registry did not answer " + what + ": " + e.getCause(), e.getCause());
        }
        catch (TimeoutException e) {
            answer.cancel(true);
            throw new RegistryUnavailableException("the registry did not answer " + what + " within " + answerTimeout.multipliedBy(2).toSeconds() + " s", e);
        }
        catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while asking the registry for " + built.uri().getPath(), e);
        }
    }

    private static void expect(HttpResponse<byte[]> response, int status, String what)
    {
        if (response.statusCode() != status) {
            throw new RegistryUnavailableException("the registry answered HTTP %d for %s: %s".formatted(response.statusCode(), what,
                    new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip()));
        }
    }

    private static JsonNode json(HttpResponse<byte[]> response)
    {
        try {
            return Json.mapper().readTree(response.body());
        }
        catch (IOException e) {
            throw new RegistryUnavailableException("the registry answered " + response.uri().getPath() + " with what is not JSON", e);
        }
    }

    private static String sha256(byte[] content)
    {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
