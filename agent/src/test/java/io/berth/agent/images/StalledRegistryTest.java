package io.berth.agent.images;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registry that sends the headers and part of a body, then goes quiet (or trickles), served by a tiny HTTP
 * server on loopback: each download fails within its (test-shortened) deadline with a message naming the
 * registry and the stall, and leaves no partial blob.
 */
class StalledRegistryTest
{
    private static final RegistryDeadlines SHORT = new RegistryDeadlines(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(3), 1 << 20);

    @TempDir
    Path root;

    private HttpServer server;
    private ExecutorService handlers;
    private final CountDownLatch released = new CountDownLatch(1);
    private final Map<String, Response> responses = new ConcurrentHashMap<>();
    private RegistryClient client;
    private String registry;

    private enum Behaviour { WHOLE, STALL_HALFWAY, TRICKLE }

    private record Response(String contentType, byte[] body, Behaviour behaviour) {}

    @BeforeEach
    void startServer()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
        registry = "127.0.0.1:" + server.getAddress().getPort();
        client = new RegistryClient(RegistryAccessPolicy.loopbackOnly(), RegistryCredentials.none(), SHORT);
    }

    @AfterEach
    void stopServer()
    {
        released.countDown();
        client.close();
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void aBlobThatStallsFailsWithinTheStallDeadlineAndLeavesNothing()
            throws Exception
    {
        byte[] blob = new byte[256 * 1024];
        Digest digest = Digest.of(blob);
        responses.put("/v2/test/stall/blobs/" + digest, new Response("application/octet-stream", blob, Behaviour.STALL_HALFWAY));
        ContentStore store = new ContentStore(root);
        ImageReference reference = ImageReference.parse(registry + "/test/stall:v1");

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.fetchBlob(reference, new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, blob.length), store))
                .isInstanceOf(RegistryException.class)
                .hasMessage("blob %s from registry %s stalled: no data for 1 s (after %d bytes)", digest, registry, blob.length / 2);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
        assertThat(store.contains(digest)).isFalse();
        assertThat(entries(root.resolve("ingest"))).isZero();
    }

    @Test
    void aBlobThatTricklesFailsAtTheTotalDeadline()
            throws Exception
    {
        byte[] blob = new byte[4096];
        Digest digest = Digest.of(blob);
        responses.put("/v2/test/slow/blobs/" + digest, new Response("application/octet-stream", blob, Behaviour.TRICKLE));
        ContentStore store = new ContentStore(root);

        assertThatThrownBy(() -> client.fetchBlob(ImageReference.parse(registry + "/test/slow:v1"), new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, blob.length), store))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("blob %s from registry %s did not finish within its deadline of 3 s".formatted(digest, registry));
        assertThat(store.contains(digest)).isFalse();
        assertThat(entries(root.resolve("ingest"))).isZero();
    }

    @Test
    void aManifestThatStallsFails()
    {
        responses.put("/v2/test/stall/manifests/v1", new Response(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}".getBytes(StandardCharsets.UTF_8), Behaviour.STALL_HALFWAY));

        assertThatThrownBy(() -> client.fetchManifest(ImageReference.parse(registry + "/test/stall:v1")))
                .isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("manifest v1 from registry %s stalled: no data for 1 s".formatted(registry));
    }

    @Test
    void aPullWhoseLayerStallsFailsWithAClearReasonAndLeavesNoPartialBlob()
            throws Exception
    {
        byte[] layer = gzipTar("hello", "hello");
        byte[] diffTar = tar("hello", "hello");
        byte[] config = """
                {"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}""".formatted(Digest.of(diffTar)).getBytes(StandardCharsets.UTF_8);
        byte[] manifest = """
                {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}""".formatted(MediaTypes.OCI_MANIFEST, Digest.of(config), config.length,
                MediaTypes.OCI_LAYER_GZIP, Digest.of(layer), layer.length).getBytes(StandardCharsets.UTF_8);
        responses.put("/v2/app/stall/manifests/v1", new Response(MediaTypes.OCI_MANIFEST, manifest, Behaviour.WHOLE));
        responses.put("/v2/app/stall/blobs/" + Digest.of(config), new Response("application/octet-stream", config, Behaviour.WHOLE));
        responses.put("/v2/app/stall/blobs/" + Digest.of(layer), new Response("application/octet-stream", layer, Behaviour.STALL_HALFWAY));
        RegistryImageService images = new RegistryImageService(root, client);

        assertThatThrownBy(() -> images.pull(registry + "/app/stall:v1"))
                .isInstanceOf(ImagePullException.class)
                .hasMessageContaining("failed to pull and unpack image")
                .hasMessageContaining("blob %s from registry %s stalled: no data for 1 s".formatted(Digest.of(layer), registry));

        assertThat(Files.exists(root.resolve("blobs/sha256").resolve(Digest.of(layer).hex()))).isFalse();
        assertThat(entries(root.resolve("ingest"))).isZero();
        assertThat(entries(root.resolve("layers/unpacking"))).isZero();
    }

    private void handle(HttpExchange exchange)
            throws IOException
    {
        Response response = responses.get(exchange.getRequestURI().getPath());
        if (response == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Docker-Content-Digest", Digest.of(response.body()).toString());
        exchange.sendResponseHeaders(200, response.body().length);
        OutputStream out = exchange.getResponseBody();
        try {
            switch (response.behaviour()) {
                case WHOLE -> out.write(response.body());
                case STALL_HALFWAY -> {
                    out.write(response.body(), 0, response.body().length / 2);
                    out.flush();
                    released.await(60, TimeUnit.SECONDS);
                }
                case TRICKLE -> {
                    for (int i = 0; i < response.body().length && released.getCount() > 0; i++) {
                        out.write(response.body()[i]);
                        out.flush();
                        Thread.sleep(200);
                    }
                }
            }
            out.close();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (IOException ignored) {
            // the client hung up, as it should
        }
        finally {
            exchange.close();
        }
    }

    private static long entries(Path directory)
            throws IOException
    {
        try (Stream<Path> list = Files.list(directory)) {
            return list.count();
        }
    }

    private static byte[] tar(String name, String content)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gzipTar(String name, String content)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(bytes)) {
            out.write(tar(name, content));
        }
        return bytes.toByteArray();
    }
}
