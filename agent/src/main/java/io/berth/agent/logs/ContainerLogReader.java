package io.berth.agent.logs;

import io.berth.common.agentprotocol.LogLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Reads conmon's k8s-file logs: one record per line, {@code TIMESTAMP STREAM TAG TEXT}, where TAG is F for
 * a full line and P for a piece of a longer line that the next records of the same stream complete. Reads
 * from a byte offset and returns the offset to continue from, which never points into the middle of a
 * line still being written or of a long line whose end has not been written yet: nothing is returned twice.
 */
public final class ContainerLogReader
{
    /** How much of the file one read looks at; conmon splits lines far below this. */
    static final int MAX_READ_BYTES = 1024 * 1024;

    /**
     * @param container the container name the returned lines carry
     * @param maxLines stop after about this many lines (a long line's held-back neighbours may add a few)
     */
    public LogPage read(Path logFile, String container, long offset, int maxLines)
            throws IOException
    {
        return read(logFile, container, offset, maxLines, false);
    }

    /**
     * As {@link #read(Path, String, long, int)}; streamEnded says the container has exited, so a last
     * line that never got its newline (conmon writes it as a partial record) is complete as it is.
     */
    public LogPage read(Path logFile, String container, long offset, int maxLines, boolean streamEnded)
            throws IOException
    {
        requireNonNull(logFile, "logFile is null");
        requireNonNull(container, "container is null");
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
        byte[] bytes = readFrom(logFile, offset);

        List<LogLine> committed = new ArrayList<>();
        long committedOffset = offset;
        // lines that ended after a partial line of another stream began: held back until that line ends,
        // so the next offset can go back to the partial line without returning them twice
        List<LogLine> held = new ArrayList<>();
        Map<String, PartialLine> partials = new LinkedHashMap<>();

        int position = 0;
        while (committed.size() < maxLines) {
            int newline = indexOf(bytes, (byte) '\n', position);
            if (newline < 0) {
                break;
            }
            Record record = Record.parse(bytes, position, newline);
            position = newline + 1;
            if (record != null) {
                if (record.partial()) {
                    partials.computeIfAbsent(record.stream(), stream -> new PartialLine(record.time())).append(record.text());
                }
                else {
                    PartialLine started = partials.remove(record.stream());
                    Instant time = started == null ? record.time() : started.time();
                    byte[] text = started == null ? record.text() : started.complete(record.text());
                    held.add(new LogLine(time, container, record.stream(), new String(text, StandardCharsets.UTF_8)));
                }
            }
            if (partials.isEmpty()) {
                committed.addAll(held);
                held.clear();
                committedOffset = offset + position;
            }
        }
        boolean readEverything = committed.size() < maxLines;
        if (!partials.isEmpty() && (committed.isEmpty() && bytes.length == MAX_READ_BYTES || streamEnded && readEverything)) {
            // a line longer than one read, or the unfinished last line of a stream that has ended: hand out
            // what there is, or the reader would never move on
            partials.forEach((stream, started) -> held.add(new LogLine(started.time(), container, stream,
                    new String(started.complete(new byte[0]), StandardCharsets.UTF_8))));
            committed.addAll(held);
            committedOffset = offset + position;
        }
        return new LogPage(committed, committedOffset);
    }

    private static byte[] readFrom(Path logFile, long offset)
            throws IOException
    {
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ)) {
            long available = channel.size() - offset;
            if (available <= 0) {
                return new byte[0];
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(available, MAX_READ_BYTES));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // keep reading until the buffer is full or the file ends
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return bytes;
        }
        catch (NoSuchFileException e) {
            // the monitor creates the log when the container starts
            return new byte[0];
        }
    }

    private static int indexOf(byte[] bytes, byte value, int from)
    {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private record Record(Instant time, String stream, boolean partial, byte[] text)
    {
        /** Null for a line that is not a log record; it is skipped, never fatal. */
        static Record parse(byte[] bytes, int start, int end)
        {
            int timeEnd = indexOf(bytes, (byte) ' ', start, end);
            int streamEnd = timeEnd < 0 ? -1 : indexOf(bytes, (byte) ' ', timeEnd + 1, end);
            if (streamEnd < 0) {
                return null;
            }
            int tagEnd = indexOf(bytes, (byte) ' ', streamEnd + 1, end);
            if (tagEnd < 0) {
                tagEnd = end;
            }
            try {
                Instant time = OffsetDateTime.parse(ascii(bytes, start, timeEnd)).toInstant();
                String stream = ascii(bytes, timeEnd + 1, streamEnd);
                boolean partial = ascii(bytes, streamEnd + 1, tagEnd).equals("P");
                byte[] text = tagEnd < end ? Arrays.copyOfRange(bytes, tagEnd + 1, end) : new byte[0];
                return new Record(time, stream, partial, text);
            }
            catch (DateTimeParseException e) {
                return null;
            }
        }

        private static int indexOf(byte[] bytes, byte value, int from, int to)
        {
            for (int i = from; i < to; i++) {
                if (bytes[i] == value) {
                    return i;
                }
            }
            return -1;
        }

        private static String ascii(byte[] bytes, int from, int to)
        {
            return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
        }
    }

    /** The pieces of a long line so far, joined as bytes so a character split between pieces survives. */
    private static final class PartialLine
    {
        private final Instant time;
        private final ByteArrayOutputStream text = new ByteArrayOutputStream();

        PartialLine(Instant time)
        {
            this.time = time;
        }

        Instant time()
        {
            return time;
        }

        void append(byte[] piece)
        {
            text.writeBytes(piece);
        }

        byte[] complete(byte[] lastPiece)
        {
            text.writeBytes(lastPiece);
            return text.toByteArray();
        }
    }
}
