package io.berth.agent.upgrading;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;
import io.berth.common.patching.AgentUpgradeRequest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static java.util.Objects.requireNonNull;

/**
 * The Berth builds on this host, under the agent's data directory (DIR/builds/SHA256PREFIX). A build is installed only
 * when it has the SHA-256 the operator gave, unpacks to jars (berth-cli-VERSION.jar at its top, its libraries in lib/),
 * and starts: {@code java -cp JARS io.berth.cli.Main --version} answers {@code berth VERSION} within the deadline.
 * Nothing of a build that fails a check is kept. Fetching has a deadline (a stalled download is cut) and a size limit.
 */
public final class AgentBuilds
{
    private static final Logger log = LoggerFactory.getLogger(AgentBuilds.class);
    /** The most a build archive may weigh, and (twice that) what it may unpack to. */
    public static final long MAX_BUILD_BYTES = 1L << 30;
    static final String MAIN_CLASS = "io.berth.cli.Main";
    /** How long the new build may take to say its version (a JVM start). */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern VERSION_LINE = Pattern.compile("(?m)^berth (\\S+)\\s*$");
    private static final String LIBRARIES = "lib";

    private final Path directory;
    private final Path javaBinary;
    private final HttpClient http;
    private final Clock clock;

    /** directory: where builds are kept; javaBinary: the java that runs them (this agent's own). */
    public AgentBuilds(Path directory, Path javaBinary, HttpClient http, Clock clock)
    {
        this.directory = requireNonNull(directory, "directory is null");
        this.javaBinary = requireNonNull(javaBinary, "javaBinary is null");
        this.http = requireNonNull(http, "http is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Path directory()
    {
        return directory;
    }

    /** Fetches, checks, unpacks and probes the build of request, all before deadline. */
    public AgentBuild install(AgentUpgradeRequest request, Instant deadline)
            throws AgentUpgradeException
    {
        Path download = null;
        try {
            Files.createDirectories(directory);
            download = directory.resolve("download-" + UUID.randomUUID() + ".tmp");
            String digest = fetch(request.build(), download, deadline);
            if (!digest.equals(request.sha256())) {
                throw new AgentUpgradeException("the build at " + request.build() + " has SHA-256 " + digest + ", not the " + request.sha256()
                        + " given: it was not installed (a corrupt or different file; check the file and its sha256sum)");
            }
            Path target = directory.resolve(request.sha256().substring(0, 16));
            if (!Files.isDirectory(target)) {
                Path unpacking = directory.resolve(target.getFileName() + "-" + UUID.randomUUID() + ".tmp");
                try {
                    unpack(download, unpacking);
                    Files.move(unpacking, target, StandardCopyOption.ATOMIC_MOVE);
                }
                finally {
                    removeTree(unpacking);
                }
            }
            List<Path> classPath = classPath(target);
            if (classPath.isEmpty()) {
                removeTree(target);
                throw new AgentUpgradeException("the build at " + request.build() + " holds no jar (a tar or tar.gz of berth-cli-VERSION.jar and lib/*.jar is needed)");
            }
            String version;
            try {
                version = probe(classPath, deadline);
            }
            catch (AgentUpgradeException e) {
                removeTree(target);
                throw e;
            }
            log.info("Berth build {} (sha256 {}) installed in {}", version, request.sha256(), target);
            return new AgentBuild(target, classPath, version);
        }
        catch (IOException | UncheckedIOException e) {
            throw new AgentUpgradeException("cannot install the build at " + request.build() + ": " + e.getMessage(), e);
        }
        finally {
            if (download != null) {
                try {
                    Files.deleteIfExists(download);
                }
                catch (IOException e) {
                    log.warn("cannot remove the download {}: {}", download, e.toString());
                }
            }
        }
    }

    /** Removes the builds other than those in kept (the running one and the one to roll back to); what cannot be removed is logged. */
    public void removeAllBut(Collection<Path> kept)
    {
        if (!Files.isDirectory(directory)) {
            return;
        }
        List<Path> keptDirectories = kept.stream().map(path -> path.toAbsolutePath().normalize()).toList();
        try (Stream<Path> builds = Files.list(directory)) {
            for (Path build : builds.toList()) {
                if (keptDirectories.stream().noneMatch(keep -> keep.startsWith(build.toAbsolutePath().normalize()))) {
                    removeTree(build);
                }
            }
        }
        catch (IOException | UncheckedIOException e) {
            log.warn("cannot remove old Berth builds in {}: {}", directory, e.toString());
        }
    }

    /** Writes the build to file within the deadline and returns its SHA-256 (lowercase hex). */
    private String fetch(String build, Path file, Instant deadline)
            throws IOException, AgentUpgradeException
    {
        if (build.startsWith("http://") || build.startsWith("https://")) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(build)).timeout(remaining(deadline)).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            }
            catch (HttpTimeoutException e) {
                throw new AgentUpgradeException(notInTime(build), e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching " + build, e);
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new AgentUpgradeException("fetching the build at " + build + " answered HTTP " + response.statusCode());
                }
                return copyWithin(body, file, deadline, build);
            }
        }
        Path source;
        if (build.startsWith("file:")) {
            source = Path.of(URI.create(build));
        }
        else if (build.startsWith("/")) {
            source = Path.of(build);
        }
        else {
            throw new AgentUpgradeException("the build must be an http(s) URL or an absolute path on the host, got '" + build + "'");
        }
        if (!Files.isRegularFile(source)) {
            throw new AgentUpgradeException("there is no file " + source + " on this host");
        }
        return copyWithin(Files.newInputStream(source), file, deadline, build);
    }

    /** Copies in to file, counting its SHA-256; a copy still going at deadline is cut by closing in. */
    private String copyWithin(InputStream in, Path file, Instant deadline, String build)
            throws IOException, AgentUpgradeException
    {
        FutureTask<String> copy = new FutureTask<>(() -> {
            MessageDigest digest = sha256();
            long total = 0;
            byte[] buffer = new byte[1 << 16];
            try (InputStream source = in; OutputStream out = Files.newOutputStream(file)) {
                int read;
                while ((read = source.read(buffer)) >= 0) {
                    total += read;
                    if (total > MAX_BUILD_BYTES) {
                        throw new AgentUpgradeException("the build at " + build + " is larger than " + (MAX_BUILD_BYTES >> 20) + " MiB");
                    }
                    digest.update(buffer, 0, read);
                    out.write(buffer, 0, read);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        });
        Thread.ofVirtual().name("berth-build-fetch").start(copy);
        try {
            return copy.get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            in.close();
            copy.cancel(true);
            throw new AgentUpgradeException(notInTime(build));
        }
        catch (InterruptedException e) {
            in.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + build, e);
        }
        catch (ExecutionException e) {
            switch (e.getCause()) {
                case AgentUpgradeException cause -> throw cause;
                case IOException cause -> throw cause;
                case Throwable cause -> throw new IOException(cause.toString(), cause);
            }
        }
    }

    private static String notInTime(String build)
    {
        return "fetching the build at " + build + " did not finish before the upgrade's deadline";
    }

    /** Unpacks the jars of a tar or tar.gz archive: NAME.jar at its top and lib/NAME.jar; anything else in it is skipped. */
    static void unpack(Path archive, Path target)
            throws IOException, AgentUpgradeException
    {
        Files.createDirectories(target.resolve(LIBRARIES));
        long total = 0;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
                TarArchiveInputStream tar = new TarArchiveInputStream(gzipped(raw) ? new GZIPInputStream(raw) : raw)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (!entry.isFile() || !isJarPath(name)) {
                    continue;
                }
                total += entry.getSize();
                if (total > 2 * MAX_BUILD_BYTES) {
                    throw new AgentUpgradeException("the build unpacks to more than " + (2 * MAX_BUILD_BYTES >> 20) + " MiB");
                }
                Files.copy(tar, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (IOException e) {
            throw new AgentUpgradeException("the build is not a tar or tar.gz archive of jars: " + e.getMessage(), e);
        }
    }

    private static boolean isJarPath(String name)
    {
        String file = name.startsWith(LIBRARIES + "/") ? name.substring(LIBRARIES.length() + 1) : name;
        return file.endsWith(".jar") && !file.contains("/") && !file.startsWith(".") && !file.contains("\\");
    }

    private static boolean gzipped(InputStream in)
            throws IOException
    {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }

    /** The build's jars: those at its top (berth-cli) first, then its libraries, each group in name order. */
    static List<Path> classPath(Path build)
            throws IOException
    {
        List<Path> jars = new ArrayList<>(jars(build));
        jars.addAll(jars(build.resolve(LIBRARIES)));
        return jars;
    }

    private static List<Path> jars(Path directory)
            throws IOException
    {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar") && Files.isRegularFile(file)).sorted(Comparator.comparing(Path::toString)).toList();
        }
    }

    /** The version the build says it is, which also shows that its JVM starts and finds Berth's main class. */
    private String probe(List<Path> classPath, Instant deadline)
            throws AgentUpgradeException
    {
        Duration timeout = remaining(deadline).compareTo(PROBE_TIMEOUT) < 0 ? remaining(deadline) : PROBE_TIMEOUT;
        List<String> command = List.of(javaBinary.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                String.join(":", classPath.stream().map(Path::toString).toList()), MAIN_CLASS, "--version");
        ProcessOutput output;
        try {
            output = HostProcess.run(command, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")), null, timeout);
        }
        catch (UncheckedIOException e) {
            throw new AgentUpgradeException("the new build does not start: " + e.getMessage(), e);
        }
        Matcher version = VERSION_LINE.matcher(output.stdout());
        if (!output.succeeded() || !version.find()) {
            throw new AgentUpgradeException("the new build does not start: `berth --version` exited " + output.exitCode() + ": "
                    + (output.stdout() + output.stderr()).strip());
        }
        return version.group(1);
    }

    private Duration remaining(Instant deadline)
    {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    private static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void removeTree(Path root)
    {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        catch (IOException | UncheckedIOException e) {
            log.warn("cannot remove {}: {}", root, e.toString());
        }
    }
}
