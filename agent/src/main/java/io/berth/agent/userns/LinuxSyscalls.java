package io.berth.agent.userns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The few Linux calls the agent makes itself, through Java's foreign function API into the C library (glibc
 * 2.36 has wrappers for the new mount API): opening a file for its descriptor, cloning a directory as a
 * detached mount, marking it idmapped and attaching it, mounting a network namespace's sysfs, and binding loop devices
 * (a task's storage, without a losetup process). util-linux 2.38's mount(8) cannot make idmapped mounts
 * (X-mount.idmap came in 2.39), so no host command would do. Each call fails with an IOException that names the
 * call, the path and the kernel's error.
 */
public final class LinuxSyscalls
{
    private static final Logger log = LoggerFactory.getLogger(LinuxSyscalls.class);

    static final int AT_FDCWD = -100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int O_NONBLOCK = 0x800;
    static final int EAGAIN = 11;
    static final int OPEN_TREE_CLONE = 1;
    static final int OPEN_TREE_CLOEXEC = O_CLOEXEC;
    static final long MOUNT_ATTR_RDONLY = 0x1;
    static final long MOUNT_ATTR_IDMAP = 0x100000;
    static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    static final long MOUNT_ATTR_NOSUID = 0x2;
    static final long MOUNT_ATTR_NODEV = 0x4;
    static final long MOUNT_ATTR_NOEXEC = 0x8;
    static final int CLONE_NEWNET = 0x40000000;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final long MS_BIND = 0x1000;
    static final long MS_REC = 0x4000;
    static final long MS_SHARED = 0x100000;
    static final int EINVAL = 22;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final short IFF_UP = 0x1;
    /** struct ifreq: the interface's name (16 bytes with its NUL), then a union whose first member is the flags. */
    private static final long IFREQ_BYTES = 40;
    private static final long IFREQ_FLAGS = 16;
    static final int FSOPEN_CLOEXEC = 1;
    static final int FSCONFIG_CMD_CREATE = 6;
    static final int FSMOUNT_CLOEXEC = 1;
    static final int MNT_DETACH = 2;
    static final long LOOP_CTL_GET_FREE = 0x4C82;
    static final long LOOP_CONFIGURE = 0x4C0A;
    static final long LOOP_CLR_FD = 0x4C01;
    static final int LO_FLAGS_DIRECT_IO = 16;
    static final int ENXIO = 6;
    static final int ENOENT = 2;
    static final int ENOTDIR = 20;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_NO_AUTOMOUNT = 0x800;
    static final int AT_STATX_DONT_SYNC = 0x4000;
    static final long STATX_ATTR_MOUNT_ROOT = 0x2000;
    /** struct statx: 256 bytes; stx_attributes (__u64) at 8, stx_attributes_mask (__u64) at 56. */
    private static final long STATX_BYTES = 256;
    private static final long STATX_ATTRIBUTES = 8;
    private static final long STATX_ATTRIBUTES_MASK = 56;
    static final int EBUSY = 16;
    private static final Path LOOP_CONTROL = Path.of("/dev/loop-control");
    /**
     * struct loop_config (linux/loop.h): fd and block_size (__u32 each), struct loop_info64 (232 bytes: five __u64,
     * four __u32 of which lo_flags is the last, lo_file_name[64], ...), then eight reserved __u64.
     */
    private static final long LOOP_CONFIG_BYTES = 304;
    private static final long LOOP_CONFIG_FLAGS = 8 + 52;
    private static final long LOOP_CONFIG_FILE_NAME = 8 + 56;
    private static final int LOOP_FILE_NAME_BYTES = 64;
    /** Free devices another attach took between the kernel naming one and this attach binding it, tried again this often. */
    private static final int LOOP_ATTACH_ATTEMPTS = 16;
    private static final Path OWN_NETWORK_NAMESPACE = Path.of("/proc/thread-self/ns/net");
    /** How long a caller waits for a step made on a thread of its own in another namespace (a mount, a namespace's making). */
    static final Duration NAMESPACE_STEP_DEADLINE = Duration.ofSeconds(30);

    /** struct mount_attr: attr_set, attr_clr, propagation, userns_fd, each a __u64. */
    private static final StructLayout MOUNT_ATTR = MemoryLayout.structLayout(
            JAVA_LONG.withName("attr_set"), JAVA_LONG.withName("attr_clr"), JAVA_LONG.withName("propagation"), JAVA_LONG.withName("userns_fd"));
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = function("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle KILL = function("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle READ = function("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle OPEN_TREE = function("open_tree", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle MOUNT_SETATTR = function("mount_setattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle MOVE_MOUNT = function("move_mount", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SETNS = function("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle FSOPEN = function("fsopen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle FSCONFIG = function("fsconfig", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle FSMOUNT = function("fsmount", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle UMOUNT2 = function("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle MOUNT = function("mount", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle IOCTL_WITH_INT = function("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_WITH_POINTER = function("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    /** The kernel copies a mount's options as one page: longer ones cannot be given to mount(2). */
    public static final int MAX_MOUNT_OPTIONS_BYTES = 4095;
    private static final MethodHandle UNSHARE = function("unshare", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle STATX = function("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = function("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LinuxSyscalls() {}

    /** Native calls made with one confined arena and one errno capture area, which the calls' failures read. */
    @FunctionalInterface
    private interface NativeCalls<T>
    {
        T run(Arena arena, MemorySegment state)
                throws Throwable;
    }

    private static <T> T withCallState(NativeCalls<T> calls)
            throws IOException
    {
        try (Arena arena = Arena.ofConfined()) {
            return calls.run(arena, arena.allocate(CALL_STATE));
        }
        catch (IOException | RuntimeException | Error e) {
            throw e;
        }
        catch (Throwable e) {
            // invokeExact declares Throwable; a downcall itself throws nothing else
            throw new IllegalStateException("unexpected failure of a native call", e);
        }
    }

    /** Opens path read-only (close-on-exec) and returns the descriptor; the caller closes it. */
    public static int openReadOnly(Path path)
            throws IOException
    {
        return withCallState((arena, state) -> check((int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_RDONLY | O_CLOEXEC, 0), state, "open", path));
    }

    /**
     * Opens a FIFO for reading without waiting for a writer (O_NONBLOCK, close-on-exec) and returns the descriptor; the
     * caller closes it. A writer's blocking open of the FIFO returns once this descriptor exists.
     */
    public static int openFifoForReading(Path fifo)
            throws IOException
    {
        return withCallState((arena, state) -> check((int) OPEN.invokeExact(state, arena.allocateFrom(fifo.toString()), O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0), state, "open", fifo));
    }

    /**
     * Reads at most max bytes from a non-blocking descriptor without waiting: the bytes read, an empty array at end
     * of file (for a FIFO: no writer holds it open), or empty when nothing is there yet (EAGAIN).
     */
    public static Optional<byte[]> readAvailable(int fd, int max)
            throws IOException
    {
        return withCallState((arena, state) -> {
            MemorySegment buffer = arena.allocate(max);
            long read = (long) READ.invokeExact(state, fd, buffer, (long) max);
            if (read < 0) {
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == EAGAIN) {
                    return Optional.<byte[]>empty();
                }
                throw new IOException("read of fd " + fd + " failed: " + describe(errno));
            }
            return Optional.of(buffer.asSlice(0, read).toArray(ValueLayout.JAVA_BYTE));
        });
    }

    /** Sends signal to the process pid (kill(2)); fails with the kernel's error, e.g. when no such process is left. */
    public static void kill(int pid, int signal)
            throws IOException
    {
        withCallState((arena, state) -> check((int) KILL.invokeExact(state, pid, signal), state, "kill " + signal, Path.of("/proc/" + pid)));
    }

    public static void close(int fd)
            throws IOException
    {
        withCallState((arena, state) -> check((int) CLOSE.invokeExact(state, fd), state, "close", Path.of("fd " + fd)));
    }

    /**
     * Makes an idmapped, read-only copy of the mount of source at target (an existing directory): source's
     * files, owned on disk by id N, appear owned by the id that N maps to in the user namespace userNamespaceFd,
     * as seen from the host. Only the mount at source is cloned, not mounts below it.
     */
    public static void mountIdmapped(Path source, Path target, int userNamespaceFd, boolean readOnly)
            throws IOException
    {
        withCallState((arena, state) -> {
            MemorySegment empty = arena.allocateFrom("");
            int tree = check((int) OPEN_TREE.invokeExact(state, AT_FDCWD, arena.allocateFrom(source.toString()), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC), state, "open_tree", source);
            try {
                MemorySegment attributes = arena.allocate(MOUNT_ATTR);
                attributes.set(JAVA_LONG, MOUNT_ATTR.byteOffset(MemoryLayout.PathElement.groupElement("attr_set")), MOUNT_ATTR_IDMAP | (readOnly ? MOUNT_ATTR_RDONLY : 0));
                attributes.set(JAVA_LONG, MOUNT_ATTR.byteOffset(MemoryLayout.PathElement.groupElement("userns_fd")), userNamespaceFd);
                check((int) MOUNT_SETATTR.invokeExact(state, tree, empty, AT_EMPTY_PATH, attributes, MOUNT_ATTR.byteSize()), state, "mount_setattr(MOUNT_ATTR_IDMAP)", source);
                check((int) MOVE_MOUNT.invokeExact(state, tree, empty, AT_FDCWD, arena.allocateFrom(target.toString()), MOVE_MOUNT_F_EMPTY_PATH), state, "move_mount", target);
            }
            finally {
                // the attached mount keeps its own reference: the descriptor of the clone is no longer needed
                close(tree);
            }
            return null;
        });
    }

    /**
     * Moves the calling thread into the network namespace at networkNamespace for good: for a platform thread that
     * serves only that namespace (sockets it opens then belong to it).
     */
    public static void enterNetworkNamespace(Path networkNamespace)
            throws IOException
    {
        int namespace = openReadOnly(networkNamespace);
        try {
            withCallState((arena, state) -> check((int) SETNS.invokeExact(state, namespace, CLONE_NEWNET), state, "setns", networkNamespace));
        }
        finally {
            close(namespace);
        }
    }

    /**
     * Mounts, read-only (and nosuid, nodev, noexec), at target (an existing directory) a new sysfs that belongs to
     * the network namespace at networkNamespace: sysfs takes the network namespace of the thread that opens it
     * (fsopen), so a thread of its own enters the namespace for that one call and goes back before anything
     * else; the rest happens where the agent is. No process is started.
     */
    public static void mountSysfsOf(Path networkNamespace, Path target)
            throws IOException
    {
        onThreadOfItsOwn("sysfs-of-" + networkNamespace.getFileName(), "the mount of the sysfs of " + networkNamespace, NAMESPACE_STEP_DEADLINE,
                () -> {
                    mountSysfsOnThisThread(networkNamespace, target);
                    return target;
                },
                mounted -> unmount(mounted, true));
    }

    /** A kernel call made on a thread of its own (one that may enter another namespace, or hang in the kernel). */
    @FunctionalInterface
    public interface ThreadStep<T>
    {
        T run()
                throws IOException;
    }

    /** Undoes what a {@link ThreadStep} made after its caller had given up on it. */
    @FunctionalInterface
    public interface LateUndo<T>
    {
        void undo(T made)
                throws IOException;
    }

    /**
     * Runs step on a platform thread of its own (a virtual one would pin its carrier for as long as the kernel keeps
     * the call) and waits for it at most deadline. A step still running then is left to its thread (a kernel call
     * cannot be cut short), the caller fails, and should the step finish after all, its thread runs undo on what it
     * made: that belongs to no caller. Returns what the step returned.
     */
    public static <T> T onThreadOfItsOwn(String threadName, String what, Duration deadline, ThreadStep<T> step, LateUndo<T> undo)
            throws IOException
    {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name(threadName).start(() -> {
            try {
                T made = step.run();
                if (!done.complete(made)) {
                    undoLate(what, undo, made);
                }
            }
            catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException e) {
            // as a task's stopped reason may quote it: whole seconds as such
            String within = deadline.toMillis() % 1000 == 0 ? deadline.toSeconds() + " s" : deadline.toMillis() + " ms";
            IOException late = new IOException(what + " did not finish within " + within);
            if (done.completeExceptionally(late)) {
                throw late;
            }
            // it finished just now
            return resultOf(what, done);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (done.completeExceptionally(new IOException("abandoned"))) {
                throw new IOException("interrupted while waiting for " + what, e);
            }
            return resultOf(what, done);
        }
        catch (ExecutionException e) {
            throw failureOf(what, e);
        }
    }

    private static <T> T resultOf(String what, CompletableFuture<T> done)
            throws IOException
    {
        try {
            return done.join();
        }
        catch (CompletionException e) {
            throw failureOf(what, e);
        }
    }

    private static IOException failureOf(String what, Exception wrapped)
    {
        Throwable cause = wrapped.getCause();
        if (cause instanceof IOException failure) {
            return failure;
        }
        return new IOException(what + " failed: " + cause, cause);
    }

    private static <T> void undoLate(String what, LateUndo<T> undo, T made)
    {
        try {
            undo.undo(made);
            log.warn("{} finished after its caller had given up on it; undone", what);
        }
        catch (IOException | RuntimeException e) {
            log.error("{} finished after its caller had given up on it, and could not be undone: {}", what, e.getMessage());
        }
    }

    /**
     * Makes a new network namespace with its loopback up and keeps it at file, as `ip netns add NAME` and `ip -n NAME
     * link set lo up` do without their two processes: a platform thread of its own unshares its network namespace,
     * bind-mounts it over a new file, brings the loopback up through a socket of the namespace, and goes back before it
     * ends. The directory must be a shared mount ({@link #shareNamespaceDirectory}). On failure nothing is left at file.
     */
    public static void makeNetworkNamespace(Path file)
            throws IOException
    {
        onThreadOfItsOwn("netns-" + file.getFileName(), "the making of the network namespace " + file, NAMESPACE_STEP_DEADLINE,
                () -> {
                    makeNetworkNamespaceOnThisThread(file);
                    return file;
                },
                made -> {
                    unmount(made, true);
                    Files.deleteIfExists(made);
                });
    }

    private static void makeNetworkNamespaceOnThisThread(Path file)
            throws IOException
    {
        int own = openReadOnly(OWN_NETWORK_NAMESPACE);
        try {
            withCallState((arena, state) -> {
                check((int) UNSHARE.invokeExact(state, CLONE_NEWNET), state, "unshare(CLONE_NEWNET)", file);
                boolean kept = false;
                try {
                    keepNamespace(arena, state, file);
                    kept = true;
                }
                finally {
                    // the thread ends right after, in whichever namespace: going back matters for the caller's word
                    // only, and a namespace made by a call that fails is no one's
                    if ((int) SETNS.invokeExact(state, own, CLONE_NEWNET) != 0 && kept) {
                        int errno = (int) ERRNO.get(state, 0L);
                        unmount(file, true);
                        Files.deleteIfExists(file);
                        throw new IOException("setns back of " + OWN_NETWORK_NAMESPACE + " failed after making " + file + " (removed again): " + describe(errno));
                    }
                }
                return null;
            });
        }
        finally {
            close(own);
        }
    }

    /** In the thread's new namespace: the file, the bind mount over it, the loopback up; undone on failure. */
    private static void keepNamespace(Arena arena, MemorySegment state, Path file)
            throws Throwable
    {
        int created = check((int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0), state, "create", file);
        int ignored = (int) CLOSE.invokeExact(state, created);
        boolean mounted = false;
        try {
            check((int) MOUNT.invokeExact(state, arena.allocateFrom(OWN_NETWORK_NAMESPACE.toString()), arena.allocateFrom(file.toString()), arena.allocateFrom("none"),
                    MS_BIND, MemorySegment.NULL), state, "bind mount of the network namespace", file);
            mounted = true;
            int socket = check((int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), state, "socket in the network namespace", file);
            try {
                MemorySegment request = arena.allocate(IFREQ_BYTES);
                request.setString(0, "lo");
                check((int) IOCTL_WITH_POINTER.invokeExact(state, socket, SIOCGIFFLAGS, request), state, "read the loopback's flags", file);
                request.set(JAVA_SHORT, IFREQ_FLAGS, (short) (request.get(JAVA_SHORT, IFREQ_FLAGS) | IFF_UP));
                check((int) IOCTL_WITH_POINTER.invokeExact(state, socket, SIOCSIFFLAGS, request), state, "bring the loopback up", file);
            }
            finally {
                int ignoredClose = (int) CLOSE.invokeExact(state, socket);
            }
        }
        catch (Throwable e) {
            if (mounted) {
                int ignoredUnmount = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(file.toString()), MNT_DETACH);
            }
            try {
                Files.deleteIfExists(file);
            }
            catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Removes a network namespace kept at file ({@link #makeNetworkNamespace}), as `ip netns delete` does: the bind
     * mount detached (a file that is no mount point is fine: a make cut short), then the file; within the namespace
     * steps' deadline.
     */
    public static void removeNetworkNamespace(Path file)
            throws IOException
    {
        onThreadOfItsOwn("netns-rm-" + file.getFileName(), "the removal of the network namespace " + file, NAMESPACE_STEP_DEADLINE, () -> {
            withCallState((arena, state) -> {
                if ((int) UMOUNT2.invokeExact(state, arena.allocateFrom(file.toString()), MNT_DETACH) != 0 && (int) ERRNO.get(state, 0L) != EINVAL) {
                    throw new IOException("umount of " + file + " failed: " + describe((int) ERRNO.get(state, 0L)));
                }
                return null;
            });
            Files.deleteIfExists(file);
            return file;
        }, removed -> {});
    }

    /**
     * Makes directory a shared mount, bind-mounting it over itself first when it is no mount point, as `ip netns`
     * does with /run/netns: namespaces kept there then show in every mount namespace made from this one afterwards.
     */
    public static void shareNamespaceDirectory(Path directory)
            throws IOException
    {
        Files.createDirectories(directory);
        withCallState((arena, state) -> {
            MemorySegment path = arena.allocateFrom(directory.toString());
            MemorySegment none = arena.allocateFrom("none");
            if ((int) MOUNT.invokeExact(state, arena.allocateFrom(""), path, none, MS_SHARED | MS_REC, MemorySegment.NULL) == 0) {
                return null;
            }
            if ((int) ERRNO.get(state, 0L) != EINVAL) {
                throw new IOException("make " + directory + " a shared mount failed: " + describe((int) ERRNO.get(state, 0L)));
            }
            // not a mount point yet
            check((int) MOUNT.invokeExact(state, path, path, none, MS_BIND | MS_REC, MemorySegment.NULL), state, "bind mount over itself", directory);
            check((int) MOUNT.invokeExact(state, arena.allocateFrom(""), path, none, MS_SHARED | MS_REC, MemorySegment.NULL), state, "make a shared mount", directory);
            return null;
        });
    }

    /** Runs on a platform thread that ends right after: a network namespace entered for one call never outlives it. */
    private static void mountSysfsOnThisThread(Path networkNamespace, Path target)
            throws IOException
    {
        int own = openReadOnly(OWN_NETWORK_NAMESPACE);
        try {
            withCallState((arena, state) -> mountSysfs(arena, state, own, networkNamespace, target));
        }
        finally {
            close(own);
        }
    }

    private static Void mountSysfs(Arena arena, MemorySegment state, int own, Path networkNamespace, Path target)
            throws Throwable
    {
        int context;
        int namespace = openReadOnly(networkNamespace);
        try {
            check((int) SETNS.invokeExact(state, namespace, CLONE_NEWNET), state, "setns", networkNamespace);
            try {
                context = check((int) FSOPEN.invokeExact(state, arena.allocateFrom("sysfs"), FSOPEN_CLOEXEC), state, "fsopen(sysfs)", networkNamespace);
            }
            finally {
                check((int) SETNS.invokeExact(state, own, CLONE_NEWNET), state, "setns back", OWN_NETWORK_NAMESPACE);
            }
        }
        finally {
            close(namespace);
        }
        try {
            check((int) FSCONFIG.invokeExact(state, context, FSCONFIG_CMD_CREATE, MemorySegment.NULL, MemorySegment.NULL, 0), state, "fsconfig(create sysfs)", target);
            int mount = check((int) FSMOUNT.invokeExact(state, context, FSMOUNT_CLOEXEC,
                    (int) (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)), state, "fsmount(sysfs)", target);
            try {
                check((int) MOVE_MOUNT.invokeExact(state, mount, arena.allocateFrom(""), AT_FDCWD, arena.allocateFrom(target.toString()), MOVE_MOUNT_F_EMPTY_PATH),
                        state, "move_mount", target);
            }
            finally {
                close(mount);
            }
        }
        finally {
            close(context);
        }
        return null;
    }

    /**
     * Mounts a new filesystem of the type at target (an existing directory), with the options as mount(8)'s -o
     * gives them (at most {@link #MAX_MOUNT_OPTIONS_BYTES}), as `mount -t TYPE SOURCE TARGET -o OPTIONS` does
     * without the process.
     */
    public static void mount(String source, Path target, String type, String options)
            throws IOException
    {
        byte[] optionBytes = options.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (optionBytes.length > MAX_MOUNT_OPTIONS_BYTES) {
            throw new IOException("the mount options of " + target + " are " + optionBytes.length + " bytes, more than the " + MAX_MOUNT_OPTIONS_BYTES + " mount(2) takes");
        }
        withCallState((arena, state) -> check((int) MOUNT.invokeExact(state, arena.allocateFrom(source), arena.allocateFrom(target.toString()), arena.allocateFrom(type), 0L,
                arena.allocateFrom(options)), state, "mount of " + type, target));
    }

    /**
     * Whether path (its last component not followed) is where a mount is attached, as statx(2) tells it in one call
     * (STATX_ATTR_MOUNT_ROOT) where the mount table is a line per mount to read and parse: false when nothing is at path;
     * empty when the kernel does not tell (before Linux 5.8) or cannot look (the caller then reads the mount table).
     */
    public static Optional<Boolean> isMountRoot(Path path)
            throws IOException
    {
        return withCallState((arena, state) -> {
            MemorySegment buffer = arena.allocate(STATX_BYTES, 8);
            // mask 0: the attributes come whatever is asked, and no other field is wanted; a network filesystem answers
            // from what it has, without asking its server (which could keep the caller waiting)
            if ((int) STATX.invokeExact(state, AT_FDCWD, arena.allocateFrom(path.toString()), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC, 0, buffer) != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                return errno == ENOENT || errno == ENOTDIR ? Optional.of(false) : Optional.<Boolean>empty();
            }
            if ((buffer.get(JAVA_LONG, STATX_ATTRIBUTES_MASK) & STATX_ATTR_MOUNT_ROOT) == 0) {
                return Optional.<Boolean>empty();
            }
            return Optional.of((buffer.get(JAVA_LONG, STATX_ATTRIBUTES) & STATX_ATTR_MOUNT_ROOT) != 0);
        });
    }

    /** Unmounts target; detach, when true, lets the kernel finish once a busy mount is let go (MNT_DETACH). */
    public static void unmount(Path target, boolean detach)
            throws IOException
    {
        withCallState((arena, state) -> check((int) UMOUNT2.invokeExact(state, arena.allocateFrom(target.toString()), detach ? MNT_DETACH : 0), state, "umount", target));
    }

    /**
     * Binds a free loop device to the image file, as `losetup --find --show [--direct-io=on] IMAGE` does without the
     * process: the loop control device names a free one, LOOP_CONFIGURE binds it (another attach that took the same
     * device first makes this one ask again). Returns the device's path, e.g. /dev/loop3.
     */
    public static Path attachLoopDevice(Path image, boolean directIo)
            throws IOException
    {
        return withCallState((arena, state) -> {
            int file = check((int) OPEN.invokeExact(state, arena.allocateFrom(image.toString()), O_RDWR | O_CLOEXEC, 0), state, "open", image);
            try {
                int control = check((int) OPEN.invokeExact(state, arena.allocateFrom(LOOP_CONTROL.toString()), O_RDWR | O_CLOEXEC, 0), state, "open", LOOP_CONTROL);
                try {
                    MemorySegment config = arena.allocate(LOOP_CONFIG_BYTES, 8);
                    config.set(JAVA_INT, 0, file);
                    config.set(JAVA_INT, LOOP_CONFIG_FLAGS, directIo ? LO_FLAGS_DIRECT_IO : 0);
                    // the name losetup -l shows; the kernel's own record of the backing file is its path, not this
                    byte[] name = image.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    MemorySegment.copy(name, 0, config, ValueLayout.JAVA_BYTE, LOOP_CONFIG_FILE_NAME, Math.min(name.length, LOOP_FILE_NAME_BYTES - 1));
                    for (int attempt = 0; attempt < LOOP_ATTACH_ATTEMPTS; attempt++) {
                        int index = check((int) IOCTL_WITH_INT.invokeExact(state, control, LOOP_CTL_GET_FREE, 0), state, "ioctl LOOP_CTL_GET_FREE", LOOP_CONTROL);
                        Path device = Path.of("/dev/loop" + index);
                        int loop = check((int) OPEN.invokeExact(state, arena.allocateFrom(device.toString()), O_RDWR | O_CLOEXEC, 0), state, "open", device);
                        try {
                            if ((int) IOCTL_WITH_POINTER.invokeExact(state, loop, LOOP_CONFIGURE, config) == 0) {
                                return device;
                            }
                            int errno = (int) ERRNO.get(state, 0L);
                            if (errno != EBUSY) {
                                throw new IOException("ioctl LOOP_CONFIGURE of " + device + " with " + image + " failed: " + describe(errno));
                            }
                        }
                        finally {
                            int ignored = (int) CLOSE.invokeExact(state, loop);
                        }
                    }
                    throw new IOException("no free loop device for " + image + ": another attach took each of the " + LOOP_ATTACH_ATTEMPTS + " the kernel offered");
                }
                finally {
                    int ignored = (int) CLOSE.invokeExact(state, control);
                }
            }
            finally {
                int ignored = (int) CLOSE.invokeExact(state, file);
            }
        });
    }

    /**
     * Unbinds the loop device, as `losetup --detach DEVICE` does: one still in use (mounted) is unbound by the kernel
     * once it is let go. A device bound to nothing is fine.
     */
    public static void detachLoopDevice(Path device)
            throws IOException
    {
        withCallState((arena, state) -> {
            int loop = check((int) OPEN.invokeExact(state, arena.allocateFrom(device.toString()), O_RDWR | O_CLOEXEC, 0), state, "open", device);
            try {
                if ((int) IOCTL_WITH_INT.invokeExact(state, loop, LOOP_CLR_FD, 0) != 0) {
                    int errno = (int) ERRNO.get(state, 0L);
                    if (errno != ENXIO) {
                        throw new IOException("ioctl LOOP_CLR_FD of " + device + " failed: " + describe(errno));
                    }
                }
                return null;
            }
            finally {
                int ignored = (int) CLOSE.invokeExact(state, loop);
            }
        });
    }

    private static int check(int result, MemorySegment state, String call, Path path)
            throws IOException
    {
        if (result >= 0) {
            return result;
        }
        int errno = (int) ERRNO.get(state, 0L);
        throw new IOException(call + " of " + path + " failed: " + describe(errno));
    }

    public static String describe(int errno)
    {
        try {
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            return message.reinterpret(1024).getString(0) + " (errno " + errno + ")";
        }
        catch (Throwable e) {
            return "errno " + errno;
        }
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options)
    {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name + "(): idmapped mounts need glibc 2.36 or newer"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }
}
