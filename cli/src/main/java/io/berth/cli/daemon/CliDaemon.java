package io.berth.cli.daemon;

import io.berth.cli.client.SharedHttpClients;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-user CLI daemon (see the package header). Started by the launcher when none answers, it listens on a free
 * loopback port, writes the port and a fresh token to STATE_DIR/daemon-KEY (0600, in a directory only its user may
 * write), and ends after IDLE minutes with no command, or as soon as that file no longer names it (removed, or
 * taken over by a newer daemon).
 * <p>
 * Usage: CliDaemon STATE_DIR BUILD_KEY [START_LOCK]
 */
public final class CliDaemon
{
    /** How long the daemon stays with no command running; BERTH_DAEMON_IDLE_MINUTES changes it. */
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    /** How often the daemon looks whether it is idle or replaced. */
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    /** The jar this daemon's classes come from, and its size and time at start: a rebuild under a running JVM breaks it. */
    private static final Path OWN_JAR = ownJar();
    private static final String OWN_JAR_STAMP = stamp(OWN_JAR);

    private final Path stateDirectory;
    private final String buildKey;
    private final Duration idle;
    private final int uid;
    private final AtomicInteger running = new AtomicInteger();
    private volatile long lastActivityNanos = System.nanoTime();

    CliDaemon(Path stateDirectory, String buildKey, Duration idle, int uid)
    {
        this.stateDirectory = stateDirectory;
        this.buildKey = buildKey;
        this.idle = idle;
        this.uid = uid;
    }

    public static void main(String[] args)
            throws IOException
    {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: CliDaemon STATE_DIR BUILD_KEY [START_LOCK]");
            System.exit(2);
        }
        // what the commands' libraries log at INFO would be noise in the log; their own output goes to the caller
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path stateDirectory = Path.of(args[0]).toAbsolutePath();
        int uid = DaemonSession.ownerOf(Path.of("/proc/self"));
        checkPrivate(stateDirectory, uid);
        CliDaemon daemon = new CliDaemon(stateDirectory, args[1], idleTime(System.getenv("BERTH_DAEMON_IDLE_MINUTES")), uid);
        daemon.serve(args.length == 3 ? Path.of(args[2]) : null);
        // the commands' own threads (HTTP clients) must not keep an idle daemon alive
        System.exit(0);
    }

    static Duration idleTime(String minutes)
    {
        if (minutes == null || minutes.isBlank()) {
            return DEFAULT_IDLE;
        }
        try {
            long value = Long.parseLong(minutes.strip());
            if (value > 0) {
                return Duration.ofMinutes(value);
            }
        }
        catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("BERTH_DAEMON_IDLE_MINUTES must be a whole number of minutes above 0, not '" + minutes + "'");
    }

    /** The state directory must be this user's and writable by nobody else: the token file and its name live there. */
    static void checkPrivate(Path directory, int uid)
            throws IOException
    {
        if (!Files.isDirectory(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory + " is not a directory");
        }
        int owner = DaemonSession.ownerOf(directory);
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (owner != uid || permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(directory + " must belong to uid " + uid + " and be writable by it alone (it is uid " + owner + ", "
                    + PosixFilePermissions.toString(permissions) + ")");
        }
    }

    void serve(Path startLock)
            throws IOException
    {
        String token = HexFormat.of().formatHex(randomBytes());
        Path addressFile = stateDirectory.resolve("daemon-" + buildKey);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); SharedHttpClients connections = new SharedHttpClients()) {
            server.setSoTimeout((int) CHECK_INTERVAL.toMillis());
            writeAddressFile(addressFile, server.getLocalPort(), token);
            // a daemon stopped by a signal (kill, shutdown) takes its address away too, so no launcher tries it
            Runtime.getRuntime().addShutdownHook(new Thread(() -> removeIfOurs(addressFile, token), "berth-daemon-address"));
            if (startLock != null) {
                Files.deleteIfExists(startLock);
            }
            System.err.println("berth daemon: listening on 127.0.0.1:" + server.getLocalPort() + " for build " + buildKey + ", pid " + ProcessHandle.current().pid());
            while (true) {
                Socket connection;
                try {
                    connection = server.accept();
                }
                catch (SocketTimeoutException e) {
                    if (!ownJarUnchanged()) {
                        System.err.println("berth daemon: " + OWN_JAR + " was rebuilt; stopping (the launcher starts one for the new build)");
                        break;
                    }
                    if (!namesUs(addressFile, server.getLocalPort(), token)) {
                        System.err.println("berth daemon: " + addressFile + " no longer names this daemon; stopping");
                        break;
                    }
                    if (running.get() == 0 && Duration.ofNanos(System.nanoTime() - lastActivityNanos).compareTo(idle) > 0) {
                        System.err.println("berth daemon: idle for " + idle.toMinutes() + " min; stopping");
                        break;
                    }
                    continue;
                }
                running.incrementAndGet();
                lastActivityNanos = System.nanoTime();
                DaemonSession session = new DaemonSession(connection, token, buildKey, uid, connections);
                Thread.ofPlatform().name("berth-daemon-command").start(() -> {
                    try {
                        session.run();
                    }
                    finally {
                        lastActivityNanos = System.nanoTime();
                        running.decrementAndGet();
                    }
                });
            }
        }
        finally {
            removeIfOurs(addressFile, token);
        }
        // commands under way when it stopped (the port is closed now, so no new one comes) finish first
        while (running.get() > 0) {
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Path ownJar()
    {
        try {
            return Path.of(CliDaemon.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String stamp(Path file)
    {
        try {
            return file == null ? "" : Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
        }
        catch (IOException e) {
            return "missing";
        }
    }

    private static boolean ownJarUnchanged()
    {
        return OWN_JAR_STAMP.equals(stamp(OWN_JAR));
    }

    private static byte[] randomBytes()
    {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** Written whole under another name (0600 from the start), then renamed: a launcher reads the old file or the new one. */
    private static void writeAddressFile(Path addressFile, int port, String token)
            throws IOException
    {
        Path partial = addressFile.resolveSibling(addressFile.getFileName() + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
        Files.write(partial, List.of(DaemonRequest.PROTOCOL, Integer.toString(port), token));
        try {
            Files.move(partial, addressFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, addressFile, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void removeIfOurs(Path addressFile, String token)
    {
        try {
            if (namesUs(addressFile, -1, token)) {
                Files.deleteIfExists(addressFile);
            }
        }
        catch (IOException e) {
            // gone already, or the directory with it
        }
    }

    /** Whether the address file still holds this daemon's token (and port, unless port is -1). */
    private static boolean namesUs(Path addressFile, int port, String token)
    {
        try {
            List<String> lines = Files.readAllLines(addressFile);
            return lines.size() == 3 && lines.get(2).equals(token) && (port < 0 || lines.get(1).equals(Integer.toString(port)));
        }
        catch (IOException e) {
            return false;
        }
    }
}
