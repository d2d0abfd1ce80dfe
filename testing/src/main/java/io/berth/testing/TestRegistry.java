package io.berth.testing;

import io.berth.common.files.FileTrees;
import io.berth.common.network.FreePorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real CNCF Distribution registry (Debian's {@code /usr/bin/docker-registry}) on 127.0.0.1 (or a given address) with a free port
 * and a temporary storage directory; {@link #close()} stops it and deletes the storage.
 */
public final class TestRegistry
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(TestRegistry.class);
    private static final String BINARY = "/usr/bin/docker-registry";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private final Path directory;
    private final Process process;
    private final String bindAddress;
    private final int port;

    private TestRegistry(Path directory, Process process, String bindAddress, int port)
    {
        this.directory = directory;
        this.process = process;
        this.bindAddress = bindAddress;
        this.port = port;
    }

    /** Starts a registry and waits until {@code /v2/} answers; retries on a port taken between probe and bind. */
    public static TestRegistry start()
            throws IOException
    {
        return start("127.0.0.1");
    }

    /** A registry listening on bindAddress, e.g. the host side of a test network that agents in namespaces reach. */
    public static TestRegistry start(String bindAddress)
            throws IOException
    {
        return start(bindAddress, "");
    }

    /**
     * A registry on 127.0.0.1 that wants basic authentication against htpasswdFile (bcrypt lines, as `htpasswd -B`
     * writes them), like a private registry outside Berth.
     */
    public static TestRegistry startWithHtpasswd(Path htpasswdFile)
            throws IOException
    {
        return start("127.0.0.1", """
                auth:
                  htpasswd:
                    realm: berth-test
                    path: %s
                """.formatted(htpasswdFile.toAbsolutePath()));
    }

    private static TestRegistry start(String bindAddress, String extraConfig)
            throws IOException
    {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path directory = Files.createTempDirectory("berth-registry-");
            try {
                return startIn(directory, bindAddress, extraConfig);
            }
            catch (IOException e) {
                last = e;
                FileTrees.deleteRecursively(directory);
            }
        }
        throw last;
    }

    private static TestRegistry startIn(Path directory, String bindAddress, String extraConfig)
            throws IOException
    {
        int port = freePort(bindAddress);
        Path storage = Files.createDirectories(directory.resolve("storage"));
        Path config = directory.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: %s:%d
                """.formatted(storage, bindAddress, port) + extraConfig);
        Path logFile = directory.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY, "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        TestRegistry registry = new TestRegistry(directory, process, bindAddress, port);
        try {
            registry.awaitReady(logFile);
            log.info("test registry listening on {}", registry.hostPort());
            return registry;
        }
        catch (IOException | RuntimeException e) {
            registry.stopProcess();
            throw e;
        }
    }

    private void awaitReady(Path logFile)
            throws IOException
    {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest probe = HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IOException("docker-registry exited with %d: %s".formatted(process.exitValue(), Files.readString(logFile)));
                }
                try {
                    int status = client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                    // 401: up, and asking for the login it was configured with
                    if (status == 200 || status == 401) {
                        return;
                    }
                }
                catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for docker-registry", e);
        }
        throw new IOException("docker-registry did not answer on %s within %s: %s".formatted(hostPort(), STARTUP_TIMEOUT, Files.readString(logFile)));
    }

    private static int freePort(String bindAddress)
            throws IOException
    {
        return FreePorts.outsideEphemeralRange(java.net.InetAddress.getByName(bindAddress));
    }

    public int port()
    {
        return port;
    }

    /** {@code ADDRESS:PORT} (127.0.0.1 unless started on another address), the registry part of image references. */
    public String hostPort()
    {
        return bindAddress + ":" + port;
    }

    /** Where the registry keeps the bytes of a blob ({@code sha256:<hex>}); tests overwrite it to simulate tampering. */
    public Path blobDataPath(String digest)
    {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return directory.resolve("storage/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    private void stopProcess()
    {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
            throws IOException
    {
        stopProcess();
        FileTrees.deleteRecursively(directory);
    }
}
