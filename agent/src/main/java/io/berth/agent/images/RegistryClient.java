package io.berth.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import static io.berth.agent.images.RegistryException.Kind.DENIED;
import static io.berth.agent.images.RegistryException.Kind.INVALID_CONTENT;
import static io.berth.agent.images.RegistryException.Kind.NOT_FOUND;
import static io.berth.agent.images.RegistryException.Kind.PROTOCOL;
import static io.berth.agent.images.RegistryException.Kind.UNAUTHORIZED;
import static io.berth.agent.images.RegistryException.Kind.UNREACHABLE;
import static java.util.Objects.requireNonNull;

/**
 * A client for the OCI Distribution (Docker Registry v2) API: pull manifests and blobs, push blobs and
 * manifests. Authentication follows the registry's challenge: anonymous first; on 401 a Bearer token from the
 * named realm (anonymous or with the host's credentials) or Basic credentials; then one retry. Redirects are
 * followed by hand so that credentials are never sent to another host (blob storage often lives elsewhere).
 */
public final class RegistryClient
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final int MAX_REDIRECTS = 5;
    // A manifest or token answer is small; a larger one is a registry gone wrong (containerd uses the same bound).
    private static final int MAX_METADATA_BYTES = 4 << 20;

    private final RegistryAccessPolicy accessPolicy;
    private final RegistryCredentials credentials;
    private final HttpClient httpClient;
    private final RegistryDeadlines deadlines;
    private final ScheduledExecutorService watchdogs;
    // false for a view made by withCredentials: the HTTP client and watchdogs are its parent's to close
    private final boolean ownsResources;
    // Authorization header values per credential and "host/repository" (a registry scopes tokens to a repository),
    // shared with the views of other credentials
    private final RegistryAuthorizations authorizations;

    public RegistryClient(RegistryAccessPolicy accessPolicy, RegistryCredentials credentials)
    {
        this(accessPolicy, credentials, RegistryDeadlines.DEFAULTS);
    }

    public RegistryClient(RegistryAccessPolicy accessPolicy, RegistryCredentials credentials, RegistryDeadlines deadlines)
    {
        this(accessPolicy, credentials, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(deadlines.connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build(), deadlines);
    }

    /** The given client must not follow redirects itself, and brings its own connect timeout. */
    public RegistryClient(RegistryAccessPolicy accessPolicy, RegistryCredentials credentials, HttpClient httpClient, RegistryDeadlines deadlines)
    {
        this(accessPolicy, credentials, httpClient, deadlines, new RegistryAuthorizations(Clock.systemUTC()),
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("registry-download-deadlines").factory()), true);
    }

    private RegistryClient(RegistryAccessPolicy accessPolicy, RegistryCredentials credentials, HttpClient httpClient, RegistryDeadlines deadlines,
            RegistryAuthorizations authorizations, ScheduledExecutorService watchdogs, boolean ownsResources)
    {
        this.authorizations = requireNonNull(authorizations, "authorizations is null");
        this.accessPolicy = requireNonNull(accessPolicy, "accessPolicy is null");
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.httpClient = requireNonNull(httpClient, "httpClient is null");
        this.deadlines = requireNonNull(deadlines, "deadlines is null");
        this.watchdogs = requireNonNull(watchdogs, "watchdogs is null");
        this.ownsResources = ownsResources;
    }

    /**
     * A client that logs in to host with credential instead (a task's own login), sharing this one's connections
     * and the tokens each credential won (a view of the same credential made later reuses what this one won, until
     * it expires), but what another login was granted is never sent for this one. Closing it closes nothing; this
     * client stays the owner.
     */
    public RegistryClient withCredential(String host, RegistryCredentials.Credential credential)
    {
        return new RegistryClient(accessPolicy, credentials.with(host, credential), httpClient, deadlines, authorizations, watchdogs, false);
    }

    /** Fetches the manifest or index the reference names (its digest if it has one, else its tag). */
    public FetchedManifest fetchManifest(ImageReference reference)
            throws RegistryException
    {
        return fetchManifest(reference, reference.manifestReference());
    }

    /** Fetches a manifest by tag or digest; a digest reference is verified against the bytes received. */
    public FetchedManifest fetchManifest(ImageReference repository, String tagOrDigest)
            throws RegistryException
    {
        URI uri = apiUri(repository, "/manifests/" + tagOrDigest);
        HttpResponse<InputStream> streamed = send(repository, uri, authorization -> request(uri, authorization)
                .header("Accept", String.join(", ", MediaTypes.ACCEPTED_MANIFESTS))
                .GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<byte[]> response = readSmallBody(repository, streamed, "manifest " + tagOrDigest);
        expectStatus(response, 200, "manifest " + tagOrDigest);
        byte[] content = response.body();
        Digest digest = Digest.of(content);
        if (tagOrDigest.startsWith("sha256:") && !digest.toString().equals(tagOrDigest)) {
            throw new RegistryException(INVALID_CONTENT, "manifest digest mismatch: expected %s, got %s".formatted(tagOrDigest, digest));
        }
        try {
            String mediaType = ManifestParser.mediaType(content, response.headers().firstValue("Content-Type").orElse(null));
            return new FetchedManifest(mediaType, digest, content);
        }
        catch (IOException e) {
            throw new RegistryException(INVALID_CONTENT, e.getMessage(), e);
        }
    }

    /** Streams a blob into the store, which verifies digest and size before the blob becomes visible. */
    public Path fetchBlob(ImageReference repository, Descriptor descriptor, ContentStore store)
            throws RegistryException
    {
        URI uri = apiUri(repository, "/blobs/" + descriptor.digest());
        HttpResponse<InputStream> response = send(repository, uri, authorization -> request(uri, authorization).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        response = followRedirects(repository, response);
        if (response.statusCode() != 200) {
            HttpResponse<byte[]> failed = readSmallBody(repository, response, "blob " + descriptor.digest());
            expectStatus(failed, 200, "blob " + descriptor.digest());
        }
        String what = "blob %s from registry %s".formatted(descriptor.digest(), repository.apiHost());
        try (InputStream body = new DeadlineInputStream(response.body(), what, deadlines.stall(), deadlines.totalFor(descriptor.size()), watchdogs)) {
            return store.ingest(descriptor.digest(), OptionalLong.of(descriptor.size()), body);
        }
        catch (ContentVerificationException e) {
            throw new RegistryException(INVALID_CONTENT, "blob " + descriptor.digest() + ": " + e.getMessage(), e);
        }
        catch (DeadlineInputStream.DownloadDeadlineException e) {
            log.warn("{}", e.getMessage());
            throw new RegistryException(UNREACHABLE, e.getMessage(), e);
        }
        catch (IOException e) {
            throw connectionFailure(repository, e);
        }
    }

    public boolean blobExists(ImageReference repository, Digest digest)
            throws RegistryException
    {
        URI uri = apiUri(repository, "/blobs/" + digest);
        HttpResponse<Void> response = send(repository, uri, authorization -> request(uri, authorization)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() / 100 == 3) {
            return true;
        }
        expectStatus(response, 200, "blob " + digest);
        return true;
    }

    /** Uploads a blob in one request unless the registry already has it. */
    public void pushBlob(ImageReference repository, Digest digest, Path content)
            throws RegistryException
    {
        if (blobExists(repository, digest)) {
            log.debug("blob {} already in {}", digest, repository);
            return;
        }
        URI start = apiUri(repository, "/blobs/uploads/");
        HttpResponse<byte[]> started = send(repository, start, authorization -> request(start, authorization)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        expectStatus(started, 202, "blob upload");
        String location = started.headers().firstValue("Location")
                .orElseThrow(() -> new RegistryException(PROTOCOL, "registry started a blob upload without a Location"));
        URI uploadBase = start.resolve(location);
        String separator = uploadBase.getRawQuery() == null ? "?" : "&";
        URI upload = URI.create(uploadBase + separator + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> finished = send(repository, upload, authorization -> {
            try {
                return request(upload, authorization)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofFile(content))
                        .build();
            }
            catch (java.io.FileNotFoundException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, HttpResponse.BodyHandlers.ofByteArray());
        expectStatus(finished, 201, "blob upload " + digest);
    }

    /** Stores a manifest under a tag (or its digest); returns the digest of the bytes sent. */
    public Digest pushManifest(ImageReference repository, String tagOrDigest, String mediaType, byte[] content)
            throws RegistryException
    {
        URI uri = apiUri(repository, "/manifests/" + tagOrDigest);
        HttpResponse<byte[]> response = send(repository, uri, authorization -> request(uri, authorization)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        expectStatus(response, 201, "manifest " + tagOrDigest);
        return Digest.of(content);
    }

    @Override
    public void close()
    {
        if (!ownsResources) {
            return;
        }
        watchdogs.shutdownNow();
        httpClient.close();
    }

    private URI apiUri(ImageReference repository, String suffix)
    {
        String host = repository.apiHost();
        return URI.create(accessPolicy.scheme(host) + "://" + host + "/v2/" + repository.repository() + suffix);
    }

    private HttpRequest.Builder request(URI uri, Optional<String> authorization)
    {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(deadlines.headers());
        authorization.ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    /** Sends with the cached authorization; on 401 answers the challenge and retries (twice: a token may lack a push scope). */
    private <T> HttpResponse<T> send(ImageReference repository, URI uri, Function<Optional<String>, HttpRequest> requestFactory, HttpResponse.BodyHandler<T> bodyHandler)
            throws RegistryException
    {
        String authorizationKey = repository.apiHost() + "/" + repository.repository();
        Optional<RegistryCredentials.Credential> sender = credentials.lookup(repository.registry());
        HttpResponse<T> response = null;
        AuthChallenge lastChallenge = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<String> authorization = authorizations.get(sender, authorizationKey);
            response = execute(repository, requestFactory.apply(authorization), bodyHandler);
            if (response.statusCode() != 401) {
                return response;
            }
            String challengeHeader = response.headers().firstValue("WWW-Authenticate").orElse(null);
            discard(response);
            Optional<AuthChallenge> challenge = AuthChallenge.parse(challengeHeader);
            lastChallenge = challenge.orElse(null);
            if (challenge.isEmpty() || attempt == 2) {
                break;
            }
            Answer fresh = answer(repository, challenge.get());
            if (fresh.authorization().equals(authorization.orElse(null)) && attempt > 0) {
                break;
            }
            authorizations.put(sender, authorizationKey, fresh.authorization(), fresh.lifetime());
        }
        if (sender.isPresent() && lastChallenge != null && lastChallenge.parameter("error").filter("insufficient_scope"::equals).isPresent()) {
            // logged in, and still not allowed: the token service granted this login nothing on the repository
            throw new RegistryException(DENIED, "denied: the registry %s does not let user %s %s %s (insufficient_scope): it is neither this account's repository nor one it may read"
                    .formatted(repository.registry(), sender.get().username(), lastChallenge.parameter("scope").map(scope -> "do " + scope.substring(scope.lastIndexOf(':') + 1) + " on").orElse("access"),
                            repository.repository()));
        }
        throw new RegistryException(UNAUTHORIZED, sender.isPresent()
                ? "unauthorized: the registry %s rejected the credentials of user %s for %s".formatted(repository.registry(), sender.get().username(), uri.getPath())
                : "unauthorized: authentication required (no credentials configured for %s)".formatted(repository.registry()));
    }

    /** An Authorization value that answers a challenge, and how long it may be sent (a token's expires_in). */
    private record Answer(String authorization, Duration lifetime) {}

    private Answer answer(ImageReference repository, AuthChallenge challenge)
            throws RegistryException
    {
        Optional<RegistryCredentials.Credential> credential = credentials.lookup(repository.registry());
        if (challenge.isBasic()) {
            return new Answer(credential
                    .orElseThrow(() -> new RegistryException(UNAUTHORIZED, "unauthorized: %s requires a username and password; none configured for it".formatted(repository.registry())))
                    .basicAuthorization(), RegistryAuthorizations.DEFAULT_TOKEN_LIFETIME);
        }
        if (!challenge.isBearer()) {
            throw new RegistryException(UNAUTHORIZED, "unauthorized: %s asks for unsupported authentication \"%s\"".formatted(repository.registry(), challenge.scheme()));
        }
        String realm = challenge.parameter("realm")
                .orElseThrow(() -> new RegistryException(PROTOCOL, "registry %s sent a Bearer challenge without a realm".formatted(repository.registry())));
        URI realmUri = URI.create(realm);
        if (!"https".equals(realmUri.getScheme()) && !("http".equals(realmUri.getScheme()) && accessPolicy.allowsPlainHttp(authority(realmUri)))) {
            throw new RegistryException(PROTOCOL, "registry %s names a token service over plain HTTP (%s); refusing to send credentials there".formatted(repository.registry(), realm));
        }
        StringBuilder query = new StringBuilder();
        challenge.parameter("service").ifPresent(service -> appendQuery(query, "service", service));
        challenge.parameter("scope").ifPresent(scope -> {
            for (String single : scope.split(" ")) {
                appendQuery(query, "scope", single);
            }
        });
        URI tokenUri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
        HttpRequest.Builder tokenRequest = HttpRequest.newBuilder(tokenUri).timeout(deadlines.headers()).GET();
        credential.ifPresent(value -> tokenRequest.header("Authorization", value.basicAuthorization()));
        HttpResponse<byte[]> response = readSmallBody(repository, execute(repository, tokenRequest.build(), HttpResponse.BodyHandlers.ofInputStream()), "token");
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new RegistryException(UNAUTHORIZED, credential.isPresent()
                    ? "unauthorized: the token service of %s rejected user %s".formatted(repository.registry(), credential.get().username())
                    : "unauthorized: the token service of %s requires credentials; none configured".formatted(repository.registry()));
        }
        expectStatus(response, 200, "token");
        try {
            JsonNode body = Json.mapper().readTree(response.body());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException(PROTOCOL, "the token service of %s returned no token".formatted(repository.registry()));
            }
            // expires_in is counted from the answer; a token service that names no lifetime gives the protocol's 60 s
            long expiresIn = body.path("expires_in").asLong(0);
            return new Answer("Bearer " + token, expiresIn > 0 ? Duration.ofSeconds(expiresIn) : RegistryAuthorizations.DEFAULT_TOKEN_LIFETIME);
        }
        catch (IOException e) {
            throw new RegistryException(PROTOCOL, "the token service of %s returned invalid JSON".formatted(repository.registry()), e);
        }
    }

    private HttpResponse<InputStream> followRedirects(ImageReference repository, HttpResponse<InputStream> response)
            throws RegistryException
    {
        URI originalHost = response.uri();
        for (int redirects = 0; isRedirect(response.statusCode()); redirects++) {
            if (redirects == MAX_REDIRECTS) {
                throw new RegistryException(PROTOCOL, "too many redirects fetching " + originalHost.getPath());
            }
            URI target = response.uri().resolve(response.headers().firstValue("Location")
                    .orElseThrow(() -> new RegistryException(PROTOCOL, "redirect without a Location from " + repository.registry())));
            discard(response);
            if ("http".equals(target.getScheme()) && !accessPolicy.allowsPlainHttp(authority(target))) {
                throw new RegistryException(PROTOCOL, "registry %s redirected to plain HTTP (%s); refusing".formatted(repository.registry(), target.getHost()));
            }
            HttpRequest.Builder next = HttpRequest.newBuilder(target).timeout(deadlines.headers()).GET();
            if (authority(target).equals(authority(originalHost))) {
                authorizations.get(credentials.lookup(repository.registry()), repository.apiHost() + "/" + repository.repository())
                        .ifPresent(value -> next.header("Authorization", value));
            }
            response = execute(repository, next.build(), HttpResponse.BodyHandlers.ofInputStream());
        }
        return response;
    }

    /**
     * Reads a manifest, token or error body under the stall and total deadlines and at most 4 MiB; the HTTP
     * client's own timeout ends with the headers, so a body that stops would otherwise wait forever.
     */
    private HttpResponse<byte[]> readSmallBody(ImageReference repository, HttpResponse<InputStream> response, String what)
            throws RegistryException
    {
        String download = "%s from registry %s".formatted(what, repository.apiHost());
        byte[] body;
        try (InputStream in = new DeadlineInputStream(response.body(), download, deadlines.stall(), deadlines.total(), watchdogs)) {
            body = in.readNBytes(MAX_METADATA_BYTES + 1);
        }
        catch (DeadlineInputStream.DownloadDeadlineException e) {
            log.warn("{}", e.getMessage());
            throw new RegistryException(UNREACHABLE, e.getMessage(), e);
        }
        catch (IOException e) {
            throw connectionFailure(repository, e);
        }
        if (body.length > MAX_METADATA_BYTES) {
            throw new RegistryException(PROTOCOL, "%s is larger than %s; refusing it".formatted(download, ByteSizes.format(MAX_METADATA_BYTES)));
        }
        return new BufferedResponse(response, body);
    }

    /** A response whose body was read into memory. */
    private record BufferedResponse(HttpResponse<InputStream> response, byte[] body)
            implements HttpResponse<byte[]>
    {
        @Override
        public int statusCode()
        {
            return response.statusCode();
        }

        @Override
        public HttpRequest request()
        {
            return response.request();
        }

        @Override
        public Optional<HttpResponse<byte[]>> previousResponse()
        {
            return Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers()
        {
            return response.headers();
        }

        @Override
        public Optional<javax.net.ssl.SSLSession> sslSession()
        {
            return response.sslSession();
        }

        @Override
        public URI uri()
        {
            return response.uri();
        }

        @Override
        public HttpClient.Version version()
        {
            return response.version();
        }
    }

    private static boolean isRedirect(int status)
    {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String authority(URI uri)
    {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private <T> HttpResponse<T> execute(ImageReference repository, HttpRequest request, HttpResponse.BodyHandler<T> bodyHandler)
            throws RegistryException
    {
        try {
            return httpClient.send(request, bodyHandler);
        }
        catch (IOException e) {
            throw connectionFailure(repository, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(UNREACHABLE, "interrupted while talking to " + repository.registry(), e);
        }
    }

    private static RegistryException connectionFailure(ImageReference repository, IOException e)
    {
        String host = repository.apiHost();
        if (e instanceof HttpConnectTimeoutException) {
            return new RegistryException(UNREACHABLE, "dial tcp %s: connection timed out".formatted(host), e);
        }
        if (e instanceof HttpTimeoutException) {
            return new RegistryException(UNREACHABLE, "registry %s did not answer in time".formatted(host), e);
        }
        if (e instanceof ConnectException) {
            if (causedBy(e, UnresolvedAddressException.class)) {
                return new RegistryException(UNREACHABLE, "dial tcp: lookup %s: no such host".formatted(host), e);
            }
            return new RegistryException(UNREACHABLE, "dial tcp %s: connection refused".formatted(host), e);
        }
        if (e instanceof SSLException) {
            return new RegistryException(UNREACHABLE, "TLS handshake with %s failed (%s); if it serves plain HTTP, list it as an insecure registry".formatted(host, e.getMessage()), e);
        }
        return new RegistryException(UNREACHABLE, "connection to %s failed: %s".formatted(host, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static void expectStatus(HttpResponse<?> response, int expected, String what)
            throws RegistryException
    {
        int status = response.statusCode();
        if (status == expected) {
            return;
        }
        String detail = errorDetail(response);
        discard(response);
        switch (status) {
            case 404 -> throw new RegistryException(NOT_FOUND, "not found" + detail);
            case 401 -> throw new RegistryException(UNAUTHORIZED, "unauthorized" + detail);
            case 403 -> throw new RegistryException(DENIED, "denied: access to %s forbidden%s".formatted(what, detail));
            case 429 -> throw new RegistryException(PROTOCOL, "too many requests to the registry" + detail);
            default -> throw new RegistryException(PROTOCOL, "unexpected HTTP status %d for %s%s".formatted(status, what, detail));
        }
    }

    /** The registry's own error message ({@code {"errors":[{"code","message"}]}}), as ": message", or empty. */
    private static String errorDetail(HttpResponse<?> response)
    {
        if (!(response.body() instanceof byte[] body) || body.length == 0) {
            return "";
        }
        try {
            JsonNode first = Json.mapper().readTree(body).path("errors").path(0);
            String message = first.path("message").asText("");
            return message.isEmpty() ? "" : ": " + message;
        }
        catch (IOException e) {
            return "";
        }
    }

    private static void discard(HttpResponse<?> response)
    {
        if (response.body() instanceof InputStream stream) {
            try {
                stream.close();
            }
            catch (IOException ignored) {
                // the connection is dropped either way
            }
        }
    }

    private static void appendQuery(StringBuilder query, String name, String value)
    {
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
