package io.berth.cli.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * One command handed to the daemon: NUL-terminated fields, as bash's printf '%s\0' writes them (a bash string holds
 * no NUL): the protocol line, the token, the build key, the caller's pid, the caller's descriptors that hold its
 * stdout and stderr, its working directory, the argument count and the arguments, the variable count and the
 * variables as NAME=VALUE.
 * <p>
 * The descriptors are copies the launcher made of its 1 and 2, not 1 and 2 themselves: while bash writes the request
 * (printf ... >&CONNECTION) its fd 1 is the connection for a moment, and the daemon may look just then.
 */
public record DaemonRequest(String token, String buildKey, long callerPid, int stdoutDescriptor, int stderrDescriptor, Path workingDirectory,
        List<String> arguments, Map<String, String> environment)
{
    public static final String PROTOCOL = "berth-daemon 1";
    /** Far more than any command line or environment; a client that sends more is not the launcher. */
    static final int MAX_FIELD_BYTES = 1 << 20;
    static final int MAX_FIELDS = 100_000;

    public DaemonRequest
    {
        requireNonNull(token, "token is null");
        requireNonNull(buildKey, "buildKey is null");
        requireNonNull(workingDirectory, "workingDirectory is null");
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(environment);
    }

    /** Reads one request; the stream stays open (the client's interrupts follow it). */
    public static DaemonRequest read(InputStream in)
            throws IOException
    {
        String protocol = field(in);
        if (!PROTOCOL.equals(protocol)) {
            throw new IOException("not a berth daemon request (protocol '" + protocol + "')");
        }
        String token = field(in);
        String buildKey = field(in);
        long pid = number(field(in));
        int stdoutDescriptor = count(field(in));
        int stderrDescriptor = count(field(in));
        Path workingDirectory = Path.of(field(in));
        if (!workingDirectory.isAbsolute()) {
            throw new IOException("working directory is not absolute: " + workingDirectory);
        }
        int argumentCount = count(field(in));
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < argumentCount; i++) {
            arguments.add(field(in));
        }
        int variableCount = count(field(in));
        Map<String, String> environment = new HashMap<>();
        for (int i = 0; i < variableCount; i++) {
            String variable = field(in);
            int equals = variable.indexOf('=');
            if (equals <= 0) {
                throw new IOException("environment entry without a name: " + variable);
            }
            environment.put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        return new DaemonRequest(token, buildKey, pid, stdoutDescriptor, stderrDescriptor, workingDirectory, arguments, environment);
    }

    private static String field(InputStream in)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("request ended in the middle");
            }
            if (next == 0) {
                return bytes.toString(UTF_8);
            }
            if (bytes.size() >= MAX_FIELD_BYTES) {
                throw new IOException("request field longer than " + MAX_FIELD_BYTES + " bytes");
            }
            bytes.write(next);
        }
    }

    private static int count(String field)
            throws IOException
    {
        long count = number(field);
        if (count > MAX_FIELDS) {
            throw new IOException("more than " + MAX_FIELDS + " fields in a request");
        }
        return (int) count;
    }

    private static long number(String field)
            throws IOException
    {
        try {
            long value = Long.parseLong(field);
            if (value < 0) {
                throw new IOException("bad number in request: " + field);
            }
            return value;
        }
        catch (NumberFormatException e) {
            throw new IOException("bad number in request: " + field);
        }
    }
}
