package io.berth.cli.up;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * One Berth process (berth up, server or agent) per data directory: two would run two agents with the same host
 * id over the same containers, or two servers over one embedded store.
 * The lock is an OS file lock on DATA_DIR/berth.lock, so it goes away with the process however it ends
 * (kill -9 included); the file holds the owner's pid for the error message.
 */
public final class DataDirectoryLock
        implements AutoCloseable
{
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirectoryLock acquire(Path dataDirectory)
            throws IOException
    {
        Path file = dataDirectory.resolve("berth.lock");
        FileChannel channel = FileChannel.open(file, CREATE, READ, WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        }
        catch (OverlappingFileLockException e) {
            // this JVM already holds it
            lock = null;
        }
        catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            String owner = Files.readString(file, UTF_8).strip();
            throw new IOException("data directory " + dataDirectory + " is in use by another berth process" + (owner.isEmpty() ? "" : " (pid " + owner + ")")
                    + ": stop it first, or give this one another --data-dir");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(UTF_8)), 0);
        channel.force(false);
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close()
            throws IOException
    {
        try (channel) {
            channel.truncate(0);
            lock.release();
        }
    }
}
