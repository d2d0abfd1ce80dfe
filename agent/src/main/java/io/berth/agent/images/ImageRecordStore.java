package io.berth.agent.images;

import io.berth.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The image records, one JSON file per image at {@code <root>/records/sha256/<manifest digest hex>.json}, written to a
 * temporary file and renamed, so a crash leaves the old record or the new one. Read once, then kept in memory: only
 * this agent writes them. A reference belongs to one image at a time: when a tag moves, it leaves the old image.
 */
public final class ImageRecordStore
{
    private static final Logger log = LoggerFactory.getLogger(ImageRecordStore.class);
    private static final String SUFFIX = ".json";
    /** How close a use may come to the one recorded before it and leave the record as it is: the collector's order is by minutes. */
    static final Duration LAST_USE_GRANULARITY = Duration.ofSeconds(30);

    private final Path directory;
    private Map<Digest, ImageRecord> records;

    public ImageRecordStore(Path root)
            throws IOException
    {
        this.directory = requireNonNull(root, "root is null").resolve("records").resolve("sha256");
        Files.createDirectories(directory);
    }

    public synchronized List<ImageRecord> all()
            throws IOException
    {
        return List.copyOf(loaded().values());
    }

    public synchronized Optional<ImageRecord> get(Digest manifestDigest)
            throws IOException
    {
        return Optional.ofNullable(loaded().get(manifestDigest));
    }

    /**
     * Records that {@code reference} was just pulled (or used to start a task) as this image: its last use becomes
     * {@code now} (unless the last one recorded is less than {@link #LAST_USE_GRANULARITY} before it and nothing else
     * changed), and the reference moves here from whichever image it named before.
     */
    public synchronized void recordUse(String reference, Digest manifestDigest, Set<Digest> blobs, Set<Digest> layers, Instant now)
            throws IOException
    {
        Map<Digest, ImageRecord> current = loaded();
        ImageRecord known = current.get(manifestDigest);
        if (known != null && known.references().contains(reference) && known.blobs().equals(blobs) && known.layers().equals(layers)
                && !now.isBefore(known.lastUsed()) && now.isBefore(known.lastUsed().plus(LAST_USE_GRANULARITY))) {
            // the record as it is, used moments ago: a file written and renamed per task start (50 in a burst, one at a
            // time) would tell the collector's oldest-first order nothing it needs
            return;
        }
        for (ImageRecord other : List.copyOf(current.values())) {
            if (!other.manifestDigest().equals(manifestDigest) && other.references().contains(reference)) {
                Set<String> left = new HashSet<>(other.references());
                left.remove(reference);
                save(other.withReferences(left));
            }
        }
        Set<String> references = new HashSet<>();
        if (known != null) {
            references.addAll(known.references());
        }
        references.add(reference);
        save(new ImageRecord(manifestDigest, references, blobs, layers, now));
    }

    /** Adds a record made from what the store holds, for an image pulled before records were kept; never replaces one. */
    public synchronized void adopt(ImageRecord record)
            throws IOException
    {
        if (!loaded().containsKey(record.manifestDigest())) {
            save(record);
        }
    }

    public synchronized void delete(Digest manifestDigest)
            throws IOException
    {
        Files.deleteIfExists(file(manifestDigest));
        loaded().remove(manifestDigest);
    }

    private void save(ImageRecord record)
            throws IOException
    {
        Path temporary = Files.createTempFile(directory, record.manifestDigest().hex().substring(0, 12) + "-", ".partial");
        try {
            Stored stored = new Stored(record.manifestDigest().toString(), sorted(record.references()), sortedDigests(record.blobs()), sortedDigests(record.layers()), record.lastUsed());
            Files.write(temporary, Json.mapper().writeValueAsBytes(stored));
            Files.move(temporary, file(record.manifestDigest()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
        loaded().put(record.manifestDigest(), record);
    }

    private Map<Digest, ImageRecord> loaded()
            throws IOException
    {
        if (records != null) {
            return records;
        }
        Map<Digest, ImageRecord> read = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".partial")) {
                    Files.deleteIfExists(file);
                    continue;
                }
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                try {
                    Stored stored = Json.mapper().readValue(file.toFile(), Stored.class);
                    ImageRecord record = stored.toRecord();
                    read.put(record.manifestDigest(), record);
                }
                catch (IOException | RuntimeException e) {
                    // its content then counts as unreferenced: collected when the store is past its size, pulled again when needed
                    log.warn("image store: ignoring unreadable image record {}: {}", file, e.getMessage());
                }
            }
        }
        records = read;
        return records;
    }

    private Path file(Digest manifestDigest)
    {
        return directory.resolve(manifestDigest.hex() + SUFFIX);
    }

    private static List<String> sorted(Set<String> values)
    {
        return values.stream().sorted().toList();
    }

    private static List<String> sortedDigests(Set<Digest> digests)
    {
        return digests.stream().map(Digest::toString).sorted().toList();
    }

    /** The file's shape: digests as {@code sha256:<hex>} strings. */
    private record Stored(String manifestDigest, List<String> references, List<String> blobs, List<String> layers, Instant lastUsed)
    {
        ImageRecord toRecord()
        {
            return new ImageRecord(Digest.parse(manifestDigest), Set.copyOf(references), digests(blobs), digests(layers), lastUsed);
        }

        private static Set<Digest> digests(List<String> values)
        {
            List<Digest> parsed = new ArrayList<>();
            values.forEach(value -> parsed.add(Digest.parse(value)));
            return Set.copyOf(parsed);
        }
    }
}
