package io.berth.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A steady HTTP request load sent from inside a test host's network namespace, where an address the machine's own
 * namespace cannot reach (a load balancer's DNSName on an ingress host) is reachable: one shell loop under nsenter,
 * a busybox wget every interval, bounded by a request count, that stops early when {@link #close()} creates its stop
 * file. Each request's outcome is one line of the loop's output: the answer's body, or the failure with the time
 * it happened, so a test counts answers by body and lists failures.
 */
public final class NetnsHttpLoad
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(NetnsHttpLoad.class);
    private static final String ANSWER = "answer ";
    private static final String FAILURE = "failure ";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final Path stopFile;
    private final Thread reader;
    private final Map<String, Integer> answers = new TreeMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private boolean closed;

    private NetnsHttpLoad(Process process, Path stopFile)
    {
        this.process = process;
        this.stopFile = stopFile;
        this.reader = Thread.ofVirtual().start(this::readOutcomes);
    }

    /** GETs url from inside host's network namespace every interval, at most maxRequests of them, until closed. */
    public static NetnsHttpLoad start(NetnsHost host, URI url, Duration interval, int maxRequests)
            throws IOException
    {
        requireNonNull(host, "host is null");
        requireNonNull(url, "url is null");
        if (maxRequests < 1 || interval.isNegative()) {
            throw new IllegalArgumentException("a load needs at least one request and an interval of zero or more");
        }
        Path directory = Files.createTempDirectory("berth-load");
        Path stopFile = directory.resolve("stop");
        // the URL and file names are the test's own (no quotes in them); each outcome is one line
        String loop = "i=0; while [ $i -lt " + maxRequests + " ] && [ ! -e '" + stopFile + "' ]; do i=$((i+1)); "
                // Debian's busybox 1.35 wget crashes with -T: coreutils' timeout bounds each request instead
                + "if body=$(timeout " + REQUEST_TIMEOUT.toSeconds() + " busybox wget -q -O - '" + url + "' 2>&1); "
                + "then echo \"" + ANSWER + "$(echo $body)\"; else echo \"" + FAILURE + "$(date +%T.%N) $(echo $body)\"; fi; "
                + "sleep " + interval.toMillis() / 1000.0 + "; done";
        Process process = new ProcessBuilder(host.command(List.of("sh", "-c", loop)))
                .redirectErrorStream(true)
                .start();
        return new NetnsHttpLoad(process, stopFile);
    }

    private void readOutcomes()
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(ANSWER)) {
                    String body = line.substring(ANSWER.length()).strip();
                    synchronized (answers) {
                        answers.merge(body, 1, Integer::sum);
                    }
                }
                else {
                    failures.add(line.startsWith(FAILURE) ? line.substring(FAILURE.length()) : line);
                }
            }
        }
        catch (IOException e) {
            failures.add("reading the load's output failed: " + e);
        }
    }

    /** How many requests were answered (HTTP 2xx), by answer body. */
    public Map<String, Integer> answers()
    {
        synchronized (answers) {
            return Map.copyOf(answers);
        }
    }

    public int answered()
    {
        return answers().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The failed requests (a refused connection, a timeout, an HTTP error), each with its time of day. */
    public List<String> failures()
    {
        return List.copyOf(failures);
    }

    /** Stops the loop after its current request (within the request timeout), and reads its last outcomes. */
    @Override
    public synchronized void close()
            throws InterruptedException
    {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.createFile(stopFile);
        }
        catch (IOException e) {
            log.warn("cannot create the load's stop file {}: {}", stopFile, e.toString());
        }
        if (!process.waitFor(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
            log.warn("the request loop did not stop at its stop file: killing it");
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(Duration.ofSeconds(5));
        try {
            Files.deleteIfExists(stopFile);
            Files.deleteIfExists(stopFile.getParent());
        }
        catch (IOException e) {
            log.warn("cannot remove {}: {}", stopFile.getParent(), e.toString());
        }
    }
}
