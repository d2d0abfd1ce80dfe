package io.berth.agent.images;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback reverse proxy in front of a test registry that records every request and can demand Basic or
 * Bearer authentication (with its own token endpoint), for tests that need to count downloads or exercise auth.
 */
final class RegistryProxy
        implements AutoCloseable
{
    enum Auth
    {
        NONE, BASIC, BEARER
    }

    private static final Set<String> SKIPPED_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "authorization");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String upstream;
    private final Auth auth;
    private final String username;
    private final String password;
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong challenges = new AtomicLong();
    private volatile CountDownLatch blobsReleased = new CountDownLatch(0);
    private final CountDownLatch blobRequested = new CountDownLatch(1);

    RegistryProxy(String upstreamHostPort, Auth auth, String username, String password)
            throws IOException
    {
        this.upstream = upstreamHostPort;
        this.auth = auth;
        this.username = username;
        this.password = password;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::forward);
        server.start();
    }

    static RegistryProxy open(String upstreamHostPort)
            throws IOException
    {
        return new RegistryProxy(upstreamHostPort, Auth.NONE, null, null);
    }

    String hostPort()
    {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** "METHOD path" of every request, in order. */
    List<String> requests()
    {
        return List.copyOf(requests);
    }

    /** Holds every blob download until the returned latch is counted down (or 60 s pass). */
    CountDownLatch holdBlobs()
    {
        CountDownLatch release = new CountDownLatch(1);
        blobsReleased = release;
        return release;
    }

    /** Waits until a blob download has reached the proxy. */
    boolean awaitBlobRequest(Duration timeout)
            throws InterruptedException
    {
        return blobRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many requests were answered with a challenge (401), having no acceptable authorization. */
    long challenges()
    {
        return challenges.get();
    }

    long blobDownloads()
    {
        return requests.stream().filter(request -> request.startsWith("GET ") && request.contains("/blobs/sha256:")).count();
    }

    private void token(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            requests.add("TOKEN " + exchange.getRequestURI());
            if (username != null && !basicMatches(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
                return;
            }
            String token = "token-" + UUID.randomUUID();
            issuedTokens.add(token);
            respond(exchange, 200, "{\"token\":\"" + token + "\"}");
        }
    }

    private void forward(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            if (exchange.getRequestURI().getPath().contains("/blobs/sha256:")) {
                blobRequested.countDown();
                try {
                    blobsReleased.await(60, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                challenges.incrementAndGet();
                String challenge = auth == Auth.BASIC
                        ? "Basic realm=\"test\""
                        : "Bearer realm=\"http://%s/token\",service=\"test-registry\",scope=\"repository:%s:pull\"".formatted(hostPort(), repository(exchange.getRequestURI().getPath()));
                exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
                respond(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + upstream + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!SKIPPED_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            response.headers().map().forEach((name, values) -> {
                if (!SKIPPED_HEADERS.contains(name.toLowerCase()) && !name.equals(":status")) {
                    values.forEach(value -> exchange.getResponseHeaders().add(name, value));
                }
            });
            boolean head = exchange.getRequestMethod().equals("HEAD");
            byte[] responseBody = response.body();
            exchange.sendResponseHeaders(response.statusCode(), head || responseBody.length == 0 ? -1 : responseBody.length);
            if (!head && responseBody.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(responseBody);
                }
            }
        }
    }

    private boolean authorized(String header)
    {
        return switch (auth) {
            case NONE -> true;
            case BASIC -> basicMatches(header);
            case BEARER -> header != null && header.startsWith("Bearer ") && issuedTokens.contains(header.substring("Bearer ".length()));
        };
    }

    private boolean basicMatches(String header)
    {
        String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }

    private static String repository(String path)
    {
        String rest = path.substring("/v2/".length());
        for (String marker : List.of("/manifests/", "/blobs/", "/tags/")) {
            int index = rest.indexOf(marker);
            if (index >= 0) {
                return rest.substring(0, index);
            }
        }
        return rest;
    }

    private static void respond(HttpExchange exchange, int status, String body)
            throws IOException
    {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        client.close();
    }
}
