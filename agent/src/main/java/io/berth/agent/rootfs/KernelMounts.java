package io.berth.agent.rootfs;

import io.berth.agent.userns.LinuxSyscalls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * mount(2), umount2(2) and the loop device ioctls made by the agent itself instead of through mount(8), umount(8) and
 * losetup(8): on a small, busy host a process start costs tens of milliseconds, and a task's start waited on three
 * such processes (its storage's loop device and mount, its root filesystem's mount) and its stop on four.
 * Each call has a deadline: it runs on a thread of its own, so a wedged filesystem that never answers is reported at
 * the deadline (the thread stays in the kernel, as a mount process would).
 */
final class KernelMounts
{
    private KernelMounts() {}

    @FunctionalInterface
    private interface Call
    {
        void run()
                throws IOException;
    }

    static void mount(String source, Path target, String type, String options, Duration deadline)
            throws IOException
    {
        withDeadline("the mount of " + target, deadline, () -> LinuxSyscalls.mount(source, target, type, options));
    }

    /** detach: let the kernel finish once a busy mount is let go (umount -l). */
    static void unmount(Path target, boolean detach, Duration deadline)
            throws IOException
    {
        withDeadline("the unmount of " + target, deadline, () -> LinuxSyscalls.unmount(target, detach));
    }

    /** Binds a free loop device to the image (losetup --find --show), with direct I/O when asked; returns the device. */
    static Path attachLoopDevice(Path image, boolean directIo, Duration deadline)
            throws IOException
    {
        Path[] device = new Path[1];
        withDeadline("the loop device attach of " + image, deadline, () -> device[0] = LinuxSyscalls.attachLoopDevice(image, directIo));
        return device[0];
    }

    /** Unbinds the loop device (losetup --detach): the kernel finishes once a device still in use is let go. */
    static void detachLoopDevice(Path device, Duration deadline)
            throws IOException
    {
        withDeadline("the detach of " + device, deadline, () -> LinuxSyscalls.detachLoopDevice(device));
    }

    private static void withDeadline(String what, Duration deadline, Call call)
            throws IOException
    {
        CompletableFuture<Void> done = new CompletableFuture<>();
        // a platform thread: a virtual one would pin its carrier for as long as the kernel keeps the call
        Thread.ofPlatform().daemon().name("kernel-mount").start(() -> {
            try {
                call.run();
                done.complete(null);
            }
            catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            throw new IOException(what + " did not finish within " + deadline.toSeconds() + " s");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what, e);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof IOException failure) {
                throw failure;
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        }
    }
}
