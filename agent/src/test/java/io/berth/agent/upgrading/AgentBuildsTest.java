package io.berth.agent.upgrading;

import com.sun.net.httpserver.HttpServer;
import io.berth.common.patching.AgentUpgradeRequest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentBuildsTest
{
    @TempDir
    Path directory;

    private final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer server;
    private AgentBuilds builds;

    @BeforeEach
    void setUp()
    {
        builds = new AgentBuilds(directory.resolve("builds"), Path.of(System.getProperty("java.home"), "bin", "java"), http, clock);
    }

    @AfterEach
    void stopServer()
    {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void installsABuildThatHasItsChecksumAndSaysItsVersion()
            throws Exception
    {
        Path archive = TestBuilds.build(directory, "berth 9.9.9-test", true);

        AgentBuild build = builds.install(new AgentUpgradeRequest(archive.toString(), sha256(archive), 60), deadline(60));

        assertThat(build.version()).isEqualTo("9.9.9-test");
        assertThat(build.directory()).isEqualTo(directory.resolve("builds").resolve(sha256(archive).substring(0, 16)));
        assertThat(build.classPath()).extracting(path -> build.directory().relativize(path).toString())
                .containsExactly("berth-cli-9.9.9-test.jar", "lib/library.jar");
        assertThat(directory.resolve("builds")).isDirectoryNotContaining(path -> path.getFileName().toString().endsWith(".tmp"));

        // over HTTP too, and the builds not kept are removed
        serve(Files.readAllBytes(archive), false);
        AgentBuild fetched = builds.install(new AgentUpgradeRequest(url(), sha256(archive), 60), deadline(60));
        assertThat(fetched).isEqualTo(build);
        Files.createDirectories(directory.resolve("builds/old"));
        builds.removeAllBut(List.of(build.classPath().getFirst()));
        assertThat(directory.resolve("builds")).isDirectoryNotContaining(path -> path.getFileName().toString().equals("old"));
        assertThat(build.directory()).isDirectory();
    }

    @Test
    void refusesABuildWithAnotherChecksumAndKeepsNothingOfIt()
            throws Exception
    {
        Path archive = TestBuilds.build(directory, "berth 9.9.9-test", false);

        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest("file://" + archive, "0".repeat(64), 60), deadline(60)))
                .isInstanceOf(AgentUpgradeException.class)
                .hasMessage("the build at file://" + archive + " has SHA-256 " + sha256(archive) + ", not the " + "0".repeat(64)
                        + " given: it was not installed (a corrupt or different file; check the file and its sha256sum)");
        assertThat(directory.resolve("builds")).isEmptyDirectory();
    }

    @Test
    void refusesWhatIsNotABuildOrDoesNotStart()
            throws Exception
    {
        Path garbage = Files.write(directory.resolve("garbage.tar.gz"), new byte[] {0x1f, (byte) 0x8b, 9, 9, 9});
        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest(garbage.toString(), sha256(garbage), 60), deadline(60)))
                .hasMessageStartingWith("the build is not a tar or tar.gz archive of jars: ");

        Path noJar = TestBuilds.tar(directory, Map.of("README", "hello".getBytes(StandardCharsets.UTF_8)), false);
        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest(noJar.toString(), sha256(noJar), 60), deadline(60)))
                .hasMessage("the build at " + noJar + " holds no jar (a tar or tar.gz of berth-cli-VERSION.jar and lib/*.jar is needed)");

        // jars, but no Berth in them: the JVM finds no main class
        Path noBerth = TestBuilds.tar(directory, Map.of("berth-cli-1.jar", TestBuilds.jar(Map.of("other/Thing.class", new byte[] {1}))), false);
        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest(noBerth.toString(), sha256(noBerth), 60), deadline(60)))
                .hasMessageStartingWith("the new build does not start: `berth --version` exited 1: ");

        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest("builds/relative.tar", "0".repeat(64), 60), deadline(60)))
                .hasMessage("the build must be an http(s) URL or an absolute path on the host, got 'builds/relative.tar'");
        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest("/no/such/build.tar", "0".repeat(64), 60), deadline(60)))
                .hasMessage("there is no file /no/such/build.tar on this host");
        assertThat(directory.resolve("builds")).isDirectoryNotContaining(path -> !path.getFileName().toString().isEmpty());
    }

    @Test
    void aDownloadThatStallsIsCutAtTheDeadlineAndAnErrorAnswerIsRefused()
            throws Exception
    {
        serve(new byte[1000], true);
        long began = System.nanoTime();
        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest(url(), "0".repeat(64), 60), deadline(2)))
                .hasMessage("fetching the build at " + url() + " did not finish before the upgrade's deadline");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
        server.stop(0);

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        assertThatThrownBy(() -> builds.install(new AgentUpgradeRequest(url(), "0".repeat(64), 60), deadline(10)))
                .hasMessage("fetching the build at " + url() + " answered HTTP 404");
    }

    /** Serves content at /build.tar; stall: sends the headers and part of it, then nothing. */
    private void serve(byte[] content, boolean stall)
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, content.length);
            try (OutputStream body = exchange.getResponseBody()) {
                if (stall) {
                    body.write(content, 0, 10);
                    body.flush();
                    Thread.sleep(30_000);
                }
                body.write(content);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private String url()
    {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/build.tar";
    }

    private Instant deadline(int seconds)
    {
        return clock.instant().plusSeconds(seconds);
    }

    static String sha256(Path file)
            throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
