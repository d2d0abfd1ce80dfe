package io.berth.cli.up;

import io.berth.controlplane.registry.RegistrySettings;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Debian's docker-registry (CNCF Distribution) serving plain HTTP on loopback, storing its blobs in the
 * data directory. Started and stopped with `berth up`; the port is kept in the data directory so image
 * references stay valid across restarts. Its token auth sends every client to Berth's token endpoint and trusts
 * only tokens signed with Berth's registry key, so each account reads and writes only what Berth grants it.
 */
public final class LocalRegistry
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(LocalRegistry.class);
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path directory;
    private final int port;
    private Process process;

    public LocalRegistry(Path directory, int port)
    {
        this.directory = requireNonNull(directory, "directory is null");
        this.port = port;
    }

    public String address()
    {
        return "127.0.0.1:" + port;
    }

    public int port()
    {
        return port;
    }

    /** tokenRealm: Berth's token endpoint; signingCertificate: the PEM certificate of the key Berth signs tokens with. */
    public void start(String tokenRealm, Path signingCertificate)
            throws IOException
    {
        if (!Files.isExecutable(BINARY)) {
            throw new IOException("the local registry needs " + BINARY + ": apt-get install docker-registry");
        }
        Path storage = Files.createDirectories(directory.resolve("storage"));
        Path config = directory.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: %s
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(storage, address(), tokenRealm, RegistrySettings.SERVICE, RegistrySettings.ISSUER, signingCertificate));
        stopLeftOverRegistry(config);
        process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("registry.log").toFile())
                .start();
        Files.writeString(pidFile(), Long.toString(process.pid()));
        awaitReady();
        log.info("local registry serving on {}", address());
    }

    private Path pidFile()
    {
        return directory.resolve("registry.pid");
    }

    /**
     * A berth up that was killed (kill -9, OOM killer) could not stop its registry, which still holds the
     * port this one needs. The caller holds the data directory's lock, so a registry serving this directory's
     * config is such a leftover; it is stopped by the pid recorded for it, only if that pid still runs it.
     */
    private void stopLeftOverRegistry(Path config)
    {
        Path pidFile = pidFile();
        long pid;
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            pid = Long.parseLong(Files.readString(pidFile).strip());
        }
        catch (IOException | NumberFormatException e) {
            log.warn("ignoring unreadable {}: {}", pidFile, e.toString());
            return;
        }
        ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().commandLine().map(line -> line.contains(BINARY.toString()) && line.contains(config.toString())).orElse(false))
                .ifPresent(leftOver -> {
                    log.info("stopping the registry (pid {}) that an earlier berth up left running", pid);
                    leftOver.destroy();
                    try {
                        leftOver.onExit().get(5, TimeUnit.SECONDS);
                    }
                    catch (ExecutionException | TimeoutException e) {
                        leftOver.destroyForcibly();
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        leftOver.destroyForcibly();
                    }
                });
    }

    private void awaitReady()
            throws IOException
    {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the local registry exited at start (port " + port + " in use?); see " + directory.resolve("registry.log"));
            }
            try {
                // 401: up, and asking for a token as it should
                int status = client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            }
            catch (IOException e) {
                // not listening yet
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the local registry");
            }
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the local registry");
            }
        }
        close();
        throw new IOException("the local registry did not answer on " + address() + " within " + START_TIMEOUT.toSeconds() + " s");
    }

    @Override
    public void close()
    {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        try {
            Files.deleteIfExists(pidFile());
        }
        catch (IOException e) {
            log.warn("cannot remove {}: {}", pidFile(), e.toString());
        }
    }
}
