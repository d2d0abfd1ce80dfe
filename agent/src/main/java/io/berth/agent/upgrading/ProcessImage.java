package io.berth.agent.upgrading;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * This process (the agent's JVM) as the operating system sees it: its command line, and execve, which replaces the
 * running program with another in the same process. An agent that upgrades keeps its process id, so whatever supervises
 * it (systemd, a test's process handle) sees no exit; and the new program inherits nothing but standard input, output
 * and error (every other descriptor is closed on exec) and an empty signal mask.
 */
public final class ProcessImage
{
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int SIG_SETMASK = 2;
    /** The kernel's sigset_t as glibc lays it out: 1024 bits. */
    private static final long SIGSET_BYTES = 128;

    private ProcessImage() {}

    /** This process's command line, argv[0] first, as the kernel holds it. */
    public static List<String> commandLine()
            throws IOException
    {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> arguments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                arguments.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < raw.length) {
            arguments.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
        }
        return List.copyOf(arguments);
    }

    /** The java binary this process runs (what /proc/self/exe points at). */
    public static Path javaBinary()
            throws IOException
    {
        return Files.readSymbolicLink(Path.of("/proc/self/exe"));
    }

    /**
     * The command line with its class path (the argument after -cp, -classpath or --class-path) replaced.
     *
     * @throws IllegalArgumentException when the command line has no class path option (a JVM started with -jar)
     */
    public static List<String> withClassPath(List<String> command, String classPath)
    {
        List<String> changed = new ArrayList<>(command);
        for (int i = 1; i + 1 < changed.size(); i++) {
            String argument = changed.get(i);
            if (argument.equals("-cp") || argument.equals("-classpath") || argument.equals("--class-path")) {
                changed.set(i + 1, classPath);
                return List.copyOf(changed);
            }
            if (argument.startsWith("--class-path=")) {
                changed.set(i, "--class-path=" + classPath);
                return List.copyOf(changed);
            }
        }
        throw new IllegalArgumentException("the agent's JVM was not started with -cp CLASSPATH (as the berth launcher starts it): it cannot be upgraded in place");
    }

    /** The class path of a command line, or null when it has none. */
    public static String classPath(List<String> command)
    {
        for (int i = 1; i + 1 < command.size(); i++) {
            String argument = command.get(i);
            if (argument.equals("-cp") || argument.equals("-classpath") || argument.equals("--class-path")) {
                return command.get(i + 1);
            }
            if (argument.startsWith("--class-path=")) {
                return argument.substring("--class-path=".length());
            }
        }
        return null;
    }

    /**
     * Replaces this process's program with program run with arguments (argv[0] first), in this environment. Returns only
     * when the kernel refused (the program is missing, not executable, the arguments too long): an IOException says why,
     * and this process goes on as it was, minus the descriptors it marked close-on-exec.
     */
    public static void replace(Path program, List<String> arguments)
            throws IOException
    {
        Linker linker = Linker.nativeLinker();
        MethodHandle execv = function(linker, "execv", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle errno = function(linker, "__errno_location", FunctionDescriptor.of(ValueLayout.ADDRESS));
        closeOnExec(linker);
        clearSignalMask(linker);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, arguments.size() + 1L);
            for (int i = 0; i < arguments.size(); i++) {
                argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(arguments.get(i)));
            }
            argv.setAtIndex(ValueLayout.ADDRESS, arguments.size(), MemorySegment.NULL);
            int result = (int) execv.invokeExact(arena.allocateFrom(program.toString()), argv);
            int error = ((MemorySegment) errno.invokeExact()).reinterpret(4).get(ValueLayout.JAVA_INT, 0);
            throw new IOException("execv " + program + " failed (" + result + ", errno " + error + ")");
        }
        catch (IOException e) {
            throw e;
        }
        catch (Throwable e) {
            throw new IOException("execv " + program + " failed: " + e, e);
        }
    }

    /** Every descriptor but 0, 1 and 2 is closed by the exec: the new program opens its own (the agent port, the data directory's lock). */
    private static void closeOnExec(Linker linker)
            throws IOException
    {
        MethodHandle fcntl = linker.downcallHandle(linker.defaultLookup().find("fcntl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
        List<Integer> descriptors;
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            descriptors = entries.map(entry -> entry.getFileName().toString()).filter(name -> name.matches("\\d+")).map(Integer::parseInt)
                    .filter(fd -> fd > 2).toList();
        }
        for (int fd : descriptors) {
            try {
                int ignored = (int) fcntl.invokeExact(fd, F_SETFD, FD_CLOEXEC);
            }
            catch (Throwable e) {
                throw new IOException("fcntl(" + fd + ", F_SETFD) failed: " + e, e);
            }
        }
    }

    /** The JVM blocks some signals in its threads; the new program must start with none blocked, as any program does. */
    private static void clearSignalMask(Linker linker)
            throws IOException
    {
        MethodHandle sigmask = function(linker, "pthread_sigmask", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment empty = arena.allocate(SIGSET_BYTES);
            int result = (int) sigmask.invokeExact(SIG_SETMASK, empty, MemorySegment.NULL);
            if (result != 0) {
                throw new IOException("pthread_sigmask failed: " + result);
            }
        }
        catch (IOException e) {
            throw e;
        }
        catch (Throwable e) {
            throw new IOException("pthread_sigmask failed: " + e, e);
        }
    }

    private static MethodHandle function(Linker linker, String name, FunctionDescriptor descriptor)
    {
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("the C library has no " + name)), descriptor);
    }
}
