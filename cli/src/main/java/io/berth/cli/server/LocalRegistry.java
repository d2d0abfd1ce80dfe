package io.berth.cli.server;

import io.berth.common.network.FreePorts;
import io.berth.controlplane.registry.RegistrySettings;
import io.berth.controlplane.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.net.InetAddress;
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
 * Debian's docker-registry (CNCF Distribution) serving HTTP (HTTPS with the API's certificate when the API serves TLS
 * and the registry listens off loopback, {@link #useTls}) on a bind address (loopback for `berth up`, the
 * server's address for `berth server`, where a fleet's agents reach it), storing its blobs in the data directory.
 * Started and stopped with the control plane; the port is kept in the data directory so image references stay valid
 * across restarts. Its token auth sends every client to Berth's token endpoint and trusts
 * only tokens signed with Berth's registry key, so each account reads and writes only what Berth grants it.
 */
public final class LocalRegistry
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(LocalRegistry.class);
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path directory;
    private final String bindAddress;
    private final int port;
    private Process process;
    // null: plain HTTP
    private ServerTls tls;
    private SSLContext probeTrust;

    /** bindAddress: where it listens (0.0.0.0 for all addresses); port 0: the one recorded in directory, or a free one the first time. */
    public LocalRegistry(Path directory, String bindAddress, int port)
            throws IOException
    {
        this.directory = Files.createDirectories(requireNonNull(directory, "directory is null"));
        this.bindAddress = ServerAddresses.unbracketed(requireNonNull(bindAddress, "bindAddress is null"));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the registry port must be between 0 and 65535: " + port);
        }
        this.port = port != 0 ? port : recordedPort();
    }

    /** HOST:PORT clients and agents use: the bound address, or a concrete one of this host when bound to all. */
    public String address()
    {
        return hostAndPort(ServerAddresses.concrete(bindAddress));
    }

    public int port()
    {
        return port;
    }

    private String hostAndPort(String host)
    {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Image references name the registry's port, so it must not change across restarts. */
    private int recordedPort()
            throws IOException
    {
        Path recorded = directory.resolve("port");
        if (Files.exists(recorded)) {
            return Integer.parseInt(Files.readString(recorded).trim());
        }
        // the registry binds it only after the control plane has started: a port no connection or port-0 listener takes meanwhile
        int free = FreePorts.outsideEphemeralRange(InetAddress.getByName(bindAddress));
        Files.writeString(recorded, Integer.toString(free));
        return free;
    }

    /** Where this host reaches the registry: loopback when it listens on all addresses. */
    private String probeAddress()
    {
        return hostAndPort(bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress.equals("::") ? "::1" : bindAddress);
    }

    /**
     * Serve HTTPS from the next start with tls (the API's certificate, for the address both listen on), probed trusting
     * only trust (what that certificate chains to): when the control plane's API serves TLS, pushes and pulls are
     * encrypted too.
     */
    public void useTls(ServerTls tls, SSLContext trust)
    {
        this.tls = requireNonNull(tls, "tls is null");
        this.probeTrust = requireNonNull(trust, "trust is null");
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
        String tlsSection = "";
        if (tls != null) {
            Path certificate = directory.resolve("tls").resolve("registry.pem");
            Path key = directory.resolve("tls").resolve("registry.key");
            tls.writePem(certificate, key);
            tlsSection = """
                      tls:
                        certificate: %s
                        key: %s
                    """.formatted(certificate, key);
        }
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
                %sauth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(storage, hostAndPort(bindAddress), tlsSection, tokenRealm, RegistrySettings.SERVICE, RegistrySettings.ISSUER, signingCertificate));
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
     * A berth up or server that was killed (kill -9, OOM killer) could not stop its registry, which still holds the
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
                    log.info("stopping the registry (pid {}) that an earlier berth up or server left running", pid);
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
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
        if (probeTrust != null) {
            builder.sslContext(probeTrust);
        }
        HttpClient client = builder.build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create((tls == null ? "http://" : "https://") + probeAddress() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
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
