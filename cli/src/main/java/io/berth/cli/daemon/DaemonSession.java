package io.berth.cli.daemon;

import io.berth.cli.Main;
import io.berth.cli.client.SharedHttpClients;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * One command over one connection. The answers, one line each: "fallback REASON" (nothing ran: the launcher runs the
 * command in a JVM of its own), or "ok" (the command runs now) and later "exit CODE". After its request the client
 * may send "interrupt" lines (Ctrl-C); its hang-up interrupts too.
 */
final class DaemonSession
        implements Runnable
{
    /** How long a client may take to send its request: the launcher sends it in one write. */
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
    private static final int INTERRUPTED_EXIT_CODE = 130;

    private final Socket socket;
    private final String token;
    private final String buildKey;
    private final int uid;
    private final SharedHttpClients connections;

    /** connections: the daemon's HTTP clients, kept across its commands (and its sessions). */
    DaemonSession(Socket socket, String token, String buildKey, int uid, SharedHttpClients connections)
    {
        this.socket = requireNonNull(socket, "socket is null");
        this.token = requireNonNull(token, "token is null");
        this.buildKey = requireNonNull(buildKey, "buildKey is null");
        this.uid = uid;
        this.connections = requireNonNull(connections, "connections is null");
    }

    @Override
    public void run()
    {
        try (socket) {
            OutputStream replies = socket.getOutputStream();
            // buffered: the request is read a byte at a time (NUL-separated fields), and the same stream then carries the
            // client's interrupt lines
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OptionalInt peer = LoopbackPeers.ownerOf(socket);
            if (peer.isEmpty() || peer.getAsInt() != uid) {
                reply(replies, "fallback the connection is not from the daemon's user");
                return;
            }
            socket.setSoTimeout((int) REQUEST_DEADLINE.toMillis());
            DaemonRequest request = DaemonRequest.read(in);
            if (!MessageDigest.isEqual(token.getBytes(UTF_8), request.token().getBytes(UTF_8))) {
                reply(replies, "fallback wrong token");
                return;
            }
            if (!buildKey.equals(request.buildKey())) {
                reply(replies, "fallback this daemon runs another build");
                return;
            }
            Optional<String> refusal = DaemonCommands.refusal(request.arguments());
            if (refusal.isPresent()) {
                reply(replies, "fallback " + refusal.get());
                return;
            }
            if (ownerOf(Path.of("/proc", Long.toString(request.callerPid()))) != uid) {
                reply(replies, "fallback the caller is not the daemon's user");
                return;
            }
            CallerOutput out;
            CallerOutput err;
            try {
                out = CallerOutput.open(request.callerPid(), request.stdoutDescriptor());
                err = CallerOutput.open(request.callerPid(), request.stderrDescriptor());
            }
            catch (IOException e) {
                reply(replies, "fallback cannot write to the caller's output: " + e.getMessage());
                return;
            }
            socket.setSoTimeout(0);
            reply(replies, "ok");
            int exitCode = runCommand(request, out, err, in, connections);
            reply(replies, "exit " + exitCode);
        }
        catch (IOException | RuntimeException e) {
            // a client that went away or sent garbage: nothing of the caller's ran, or the command ended with it
            System.err.println("berth daemon: connection ended: " + e);
        }
    }

    private static int runCommand(DaemonRequest request, CallerOutput out, CallerOutput err, InputStream clientInput, SharedHttpClients connections)
    {
        Charset charset = Charset.forName(System.getProperty("native.encoding", "UTF-8"), UTF_8);
        PrintWriter outWriter = out.writer(charset);
        PrintWriter errWriter = err.writer(charset);
        SessionInterruptions interruptions = new SessionInterruptions(Thread.currentThread(), () -> {
            out.detach();
            err.detach();
        });
        // a platform thread: a virtual thread's socket read, when interrupted, closes the socket
        Thread.ofPlatform().daemon().name("berth-daemon-client-watch").start(() -> watchForInterrupts(clientInput, interruptions));
        int exitCode;
        try {
            exitCode = Main.run(callerEnvironment(request), Optional.of(new Main.CommandOutput(outWriter, errWriter)), interruptions, Optional.of(connections),
                    request.arguments().toArray(String[]::new));
        }
        catch (RuntimeException | Error e) {
            errWriter.println("berth: unexpected error in the CLI daemon: " + e);
            exitCode = 1;
        }
        boolean finished = interruptions.finish();
        outWriter.flush();
        errWriter.flush();
        closeQuietly(out);
        closeQuietly(err);
        // an interrupted command ends as a JVM ended by Ctrl-C does; clear the flag the interrupt may have left
        Thread.interrupted();
        return finished ? exitCode : INTERRUPTED_EXIT_CODE;
    }

    /** The client's "interrupt" lines and its hang-up (Ctrl-C on a launcher without a trap, kill). */
    private static void watchForInterrupts(InputStream clientInput, SessionInterruptions interruptions)
    {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(clientInput, UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.equals("interrupt")) {
                    interruptions.interrupt();
                    return;
                }
            }
            interruptions.interrupt();
        }
        catch (IOException e) {
            // the socket closed: the command ended and the session closed it (then this does nothing), or the client vanished
            interruptions.interrupt();
        }
    }

    /**
     * The caller's environment, with its relative paths made absolute against its working directory: the daemon's
     * own working directory is not the caller's.
     */
    static Map<String, String> callerEnvironment(DaemonRequest request)
    {
        Map<String, String> environment = new HashMap<>(request.environment());
        environment.computeIfPresent("AWS_CA_BUNDLE", (name, value) ->
                value.isBlank() ? value : request.workingDirectory().resolve(value.strip()).toString());
        return environment;
    }

    static int ownerOf(Path path)
            throws IOException
    {
        return (Integer) Files.getAttribute(path, "unix:uid");
    }

    private static void reply(OutputStream replies, String line)
            throws IOException
    {
        replies.write((line + "\n").getBytes(UTF_8));
        replies.flush();
    }

    private static void closeQuietly(CallerOutput output)
    {
        try {
            output.close();
        }
        catch (IOException e) {
            // the caller's terminal or pipe went away; nothing left to tell it
        }
    }
}
