package io.berth.agent.logs;

import io.berth.common.agentprotocol.LogLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerLogReaderTest
{
    private final ContainerLogReader reader = new ContainerLogReader();

    @TempDir
    Path directory;

    @Test
    void readsFullLinesWithTimesAndStreams()
            throws IOException
    {
        Path log = write("""
                2024-01-01T00:00:00.123456789+00:00 stdout F hello world
                2024-01-01T00:00:01.5+02:00 stderr F oops
                """);

        LogPage page = reader.read(log, "web", 0, 100);

        assertThat(page.lines()).containsExactly(
                new LogLine(Instant.parse("2024-01-01T00:00:00.123456789Z"), "web", "stdout", "hello world"),
                new LogLine(Instant.parse("2023-12-31T22:00:01.5Z"), "web", "stderr", "oops"));
        assertThat(page.nextOffset()).isEqualTo(Files.size(log));
    }

    @Test
    void joinsPartialLinesWithTheLineThatEndsThem()
            throws IOException
    {
        Path log = write("""
                2024-01-01T00:00:00Z stdout P abc
                2024-01-01T00:00:01Z stderr F in between
                2024-01-01T00:00:02Z stdout P def
                2024-01-01T00:00:03Z stdout F ghi
                """);

        LogPage page = reader.read(log, "web", 0, 100);

        assertThat(page.lines()).extracting(LogLine::stream, LogLine::text, LogLine::time).containsExactly(
                org.assertj.core.groups.Tuple.tuple("stderr", "in between", Instant.parse("2024-01-01T00:00:01Z")),
                org.assertj.core.groups.Tuple.tuple("stdout", "abcdefghi", Instant.parse("2024-01-01T00:00:00Z")));
    }

    @Test
    void holdsBackAHalfWrittenLineUntilItIsComplete()
            throws IOException
    {
        String first = "2024-01-01T00:00:00Z stdout F one\n";
        Path log = write(first + "2024-01-01T00:00:01Z stdout F tw");

        LogPage page = reader.read(log, "web", 0, 100);
        assertThat(page.lines()).extracting(LogLine::text).containsExactly("one");
        assertThat(page.nextOffset()).isEqualTo(first.length());

        Files.writeString(log, "o\n", StandardOpenOption.APPEND);
        LogPage next = reader.read(log, "web", page.nextOffset(), 100);
        assertThat(next.lines()).extracting(LogLine::text).containsExactly("two");
        assertThat(next.nextOffset()).isEqualTo(Files.size(log));
    }

    @Test
    void holdsBackAnUnfinishedPartialLineAndWhatFollowsIt()
            throws IOException
    {
        String first = "2024-01-01T00:00:00Z stdout F one\n";
        Path log = write(first + """
                2024-01-01T00:00:01Z stdout P long
                2024-01-01T00:00:02Z stderr F meanwhile
                """);

        LogPage page = reader.read(log, "web", 0, 100);
        assertThat(page.lines()).extracting(LogLine::text).containsExactly("one");
        assertThat(page.nextOffset()).isEqualTo(first.length());

        Files.writeString(log, "2024-01-01T00:00:03Z stdout F  line\n", StandardOpenOption.APPEND);
        LogPage next = reader.read(log, "web", page.nextOffset(), 100);
        assertThat(next.lines()).extracting(LogLine::text).containsExactly("meanwhile", "long line");
    }

    @Test
    void lastLineWithoutNewlineIsHandedOutOnceTheStreamHasEnded()
            throws IOException
    {
        String first = "2024-01-01T00:00:00Z stdout F one\n";
        String last = "2024-01-01T00:00:01Z stdout P abc\n";
        Path log = write(first + last);

        assertThat(reader.read(log, "web", 0, 100, false).lines()).extracting(LogLine::text).containsExactly("one");
        LogPage ended = reader.read(log, "web", 0, 100, true);
        assertThat(ended.lines()).extracting(LogLine::text).containsExactly("one", "abc");
        assertThat(ended.nextOffset()).isEqualTo(first.length() + last.length());
        assertThat(reader.read(log, "web", ended.nextOffset(), 100, true).lines()).isEmpty();
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossPieces()
            throws IOException
    {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        Path log = directory.resolve("log");
        try (var out = Files.newOutputStream(log)) {
            out.write("2024-01-01T00:00:00Z stdout P ".getBytes(StandardCharsets.US_ASCII));
            out.write(euro, 0, 1);
            out.write("\n2024-01-01T00:00:00Z stdout F ".getBytes(StandardCharsets.US_ASCII));
            out.write(euro, 1, 2);
            out.write('\n');
        }

        assertThat(reader.read(log, "web", 0, 100).lines()).extracting(LogLine::text).containsExactly("€");
    }

    @Test
    void stopsAfterMaxLinesAndContinuesFromThere()
            throws IOException
    {
        Path log = write("""
                2024-01-01T00:00:00Z stdout F 1
                2024-01-01T00:00:00Z stdout F 2
                2024-01-01T00:00:00Z stdout F 3
                """);

        LogPage page = reader.read(log, "web", 0, 2);
        assertThat(page.lines()).extracting(LogLine::text).containsExactly("1", "2");
        assertThat(reader.read(log, "web", page.nextOffset(), 2).lines()).extracting(LogLine::text).containsExactly("3");
    }

    @Test
    void emptyLinesAndGarbageAreHandled()
            throws IOException
    {
        Path log = write("""
                2024-01-01T00:00:00Z stdout F
                not a log line
                2024-01-01T00:00:00Z stdout F after
                """);

        assertThat(reader.read(log, "web", 0, 100).lines()).extracting(LogLine::text).containsExactly("", "after");
    }

    @Test
    void missingFileReadsAsEmpty()
            throws IOException
    {
        LogPage page = reader.read(directory.resolve("absent"), "web", 0, 100);
        assertThat(page.lines()).isEmpty();
        assertThat(page.nextOffset()).isZero();
    }

    private Path write(String content)
            throws IOException
    {
        return Files.writeString(directory.resolve("log"), content);
    }
}
