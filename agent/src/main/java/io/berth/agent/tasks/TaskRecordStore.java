package io.berth.agent.tasks;

import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Task records as one JSON file per task. A write goes to a temporary file that is renamed over the old
 * one, so a crash leaves either the old record or the new one, never half of one.
 */
public final class TaskRecordStore
{
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TaskRecordStore.class);

    private final Path directory;

    public TaskRecordStore(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
        try {
            Files.createDirectories(directory);
            // a record holds its task's registry login until the task has pulled: root's only
            Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void save(TaskRecord record)
    {
        Path target = directory.resolve(record.taskId() + ".json");
        Path temporary = directory.resolve(record.taskId() + ".json.tmp");
        try {
            Files.write(temporary, Json.mapper().writeValueAsBytes(record));
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot save task record " + record.taskId(), e);
        }
    }

    public void delete(String taskId)
    {
        try {
            Files.deleteIfExists(directory.resolve(taskId + ".json"));
            Files.deleteIfExists(directory.resolve(taskId + ".json.tmp"));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot delete task record " + taskId, e);
        }
    }

    public List<TaskRecord> loadAll()
    {
        List<TaskRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    records.add(Json.mapper().readValue(file.toFile(), TaskRecord.class));
                }
                catch (IOException e) {
                    // an unreadable record cannot be resumed; its containers are cleaned up as orphans
                    log.warn("ignoring unreadable task record {}: {}", file, e.getMessage());
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }
}
