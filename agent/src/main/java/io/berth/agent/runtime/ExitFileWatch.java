package io.berth.agent.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * conmon's exit files as they appear: conmon writes a container's exit code to a file named after the container
 * in its exit directory (a temporary file renamed, so a file that is there is complete). One inotify watch on that directory
 * (Java's WatchService) replaces looking at every running container several times a second. When the kernel's
 * event queue overflows, every exit file there is told again: a listener may hear of an exit twice, never not.
 */
final class ExitFileWatch
        implements ContainerRuntime.ExitWatch
{
    private static final Logger log = LoggerFactory.getLogger(ExitFileWatch.class);

    private final Path directory;
    private final Consumer<String> exited;
    private final WatchService service;
    private final Thread thread;

    private ExitFileWatch(Path directory, Consumer<String> exited, WatchService service)
    {
        this.directory = directory;
        this.exited = exited;
        this.service = service;
        this.thread = Thread.ofPlatform().name("container-exits").daemon().unstarted(this::loop);
    }

    static ExitFileWatch start(Path directory, Consumer<String> exited)
            throws IOException
    {
        requireNonNull(directory, "directory is null");
        requireNonNull(exited, "exited is null");
        WatchService service = directory.getFileSystem().newWatchService();
        try {
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        }
        catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        ExitFileWatch watch = new ExitFileWatch(directory, exited, service);
        watch.thread.start();
        return watch;
    }

    private void loop()
    {
        try {
            while (true) {
                WatchKey key = service.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        tellEveryExitFile();
                    }
                    else if (event.context() instanceof Path name) {
                        tell(name.toString());
                    }
                }
                if (!key.reset()) {
                    log.warn("the exit directory {} is gone: container exits are seen by polling only", directory);
                    return;
                }
            }
        }
        catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the agent is stopping
        }
    }

    private void tellEveryExitFile()
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            files.forEach(file -> tell(file.getFileName().toString()));
        }
        catch (IOException e) {
            log.warn("cannot list the exit directory {}: {}", directory, e.getMessage());
        }
    }

    private void tell(String name)
    {
        // conmon writes NAME.XXXXXX and renames it to NAME: a temporary file is mostly gone by now, and a listener
        // that hears of one finds no container by that name
        if (!StateLayout.CONTAINER_ID.matcher(name).matches() || !Files.exists(directory.resolve(name))) {
            return;
        }
        try {
            exited.accept(name);
        }
        catch (RuntimeException e) {
            log.warn("a listener failed on the exit of container {}: {}", name, e.toString());
        }
    }

    @Override
    public void close()
    {
        try {
            service.close();
        }
        catch (IOException e) {
            log.warn("cannot close the watch on {}: {}", directory, e.getMessage());
        }
        thread.interrupt();
    }
}
