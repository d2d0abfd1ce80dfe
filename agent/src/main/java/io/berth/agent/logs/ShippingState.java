package io.berth.agent.logs;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/**
 * How far the lines of one task's awslogs containers have been shipped: the byte offset reached in each container's
 * log file, and whether shipping is over (the task stopped and everything was shipped, or the control plane refused
 * the task). Kept beside the logs as {@value #FILE_NAME}, so an agent restart goes on where it was and ships nothing
 * twice; written whole to a temporary file and renamed over the old one.
 */
record ShippingState(List<String> containers, Map<String, Long> offsets, boolean done)
{
    static final String FILE_NAME = "awslogs.state";

    ShippingState
    {
        containers = List.copyOf(containers);
        offsets = Map.copyOf(offsets);
    }

    static ShippingState start(List<String> containers)
    {
        return new ShippingState(containers, Map.of(), false);
    }

    long offset(String container)
    {
        return offsets.getOrDefault(container, 0L);
    }

    ShippingState advancedTo(Map<String, Long> reached)
    {
        Map<String, Long> merged = new LinkedHashMap<>(offsets);
        merged.putAll(reached);
        return new ShippingState(containers, merged, done);
    }

    ShippingState finished()
    {
        return new ShippingState(containers, offsets, true);
    }

    static Optional<ShippingState> read(Path taskDirectory)
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(taskDirectory.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        catch (NoSuchFileException e) {
            return Optional.empty();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + taskDirectory.resolve(FILE_NAME), e);
        }
        String names = properties.getProperty("containers", "");
        List<String> containers = names.isEmpty() ? List.of() : List.of(names.split(","));
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (String container : containers) {
            try {
                offsets.put(container, Long.parseLong(properties.getProperty("offset." + container, "0")));
            }
            catch (NumberFormatException e) {
                // a damaged offset: ship that container from the start rather than lose its lines
                offsets.put(container, 0L);
            }
        }
        return Optional.of(new ShippingState(containers, offsets, Boolean.parseBoolean(properties.getProperty("done", "false"))));
    }

    void write(Path taskDirectory)
    {
        requireNonNull(taskDirectory, "taskDirectory is null");
        Properties properties = new Properties();
        properties.setProperty("containers", String.join(",", containers));
        offsets.forEach((container, offset) -> properties.setProperty("offset." + container, Long.toString(offset)));
        properties.setProperty("done", Boolean.toString(done));
        Path file = taskDirectory.resolve(FILE_NAME);
        Path temporary = taskDirectory.resolve(FILE_NAME + ".tmp");
        try {
            Files.createDirectories(taskDirectory);
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                properties.store(writer, "awslogs shipping of this task's containers");
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
