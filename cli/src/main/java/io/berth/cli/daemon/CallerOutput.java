package io.berth.cli.daemon;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The caller's own stdout or stderr, opened again through /proc/PID/fd/N: the kernel lets only a process that may
 * trace the caller (its own user, or root) do that, and the bytes go where the caller's would, with no copy through
 * the launcher. Only a terminal, a pipe or a device is opened so: a regular file reopened would be written at an
 * offset of its own (the launcher keeps those for a JVM of their own), and a socket cannot be reopened at all.
 * Once detached (the command was interrupted and the caller told so), what the command still writes is dropped.
 */
final class CallerOutput
        extends FilterOutputStream
{
    private volatile boolean detached;

    private CallerOutput(OutputStream out)
    {
        super(out);
    }

    static CallerOutput open(long pid, int descriptor)
            throws IOException
    {
        Path path = Path.of("/proc", Long.toString(pid), "fd", Integer.toString(descriptor));
        if (Files.isRegularFile(path)) {
            throw new IOException("fd " + descriptor + " of " + pid + " is a regular file");
        }
        return new CallerOutput(new FileOutputStream(path.toFile(), true));
    }

    PrintWriter writer(Charset charset)
    {
        return new PrintWriter(new OutputStreamWriter(this, charset), true);
    }

    void detach()
    {
        detached = true;
    }

    @Override
    public void write(int b)
            throws IOException
    {
        if (!detached) {
            out.write(b);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length)
            throws IOException
    {
        if (!detached) {
            out.write(bytes, offset, length);
        }
    }

    @Override
    public void flush()
            throws IOException
    {
        if (!detached) {
            out.flush();
        }
    }
}
