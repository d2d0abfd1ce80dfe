package io.berth.agent.rootfs;

import io.berth.agent.userns.LinuxSyscalls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * mount(2), umount2(2) and the loop device ioctls made by the agent itself instead of through mount(8), umount(8) and
 * losetup(8): on a small, busy host a process start costs tens of milliseconds, and a task's start waited on three
 * such processes (its storage's loop device and mount, its root filesystem's mount) and its stop on four.
 * Each call has a deadline: it runs on a thread of its own, so a wedged filesystem that never answers is reported at
 * the deadline (the thread stays in the kernel, as a mount process would), and a mount or a loop device that comes
 * after it is undone by that thread.
 */
final class KernelMounts
{
    private static final String THREAD = "kernel-mount";

    private KernelMounts() {}

    /** A mount that comes after its deadline is unmounted again: no caller holds it. */
    static void mount(String source, Path target, String type, String options, Duration deadline)
            throws IOException
    {
        LinuxSyscalls.onThreadOfItsOwn(THREAD, "the mount of " + target, deadline, () -> {
            LinuxSyscalls.mount(source, target, type, options);
            return target;
        }, mounted -> LinuxSyscalls.unmount(mounted, true));
    }

    /** detach: let the kernel finish once a busy mount is let go (umount -l). */
    static void unmount(Path target, boolean detach, Duration deadline)
            throws IOException
    {
        LinuxSyscalls.onThreadOfItsOwn(THREAD, "the unmount of " + target, deadline, () -> {
            LinuxSyscalls.unmount(target, detach);
            return target;
        }, NOTHING_TO_UNDO);
    }

    /**
     * Binds a free loop device to the image (losetup --find --show), with direct I/O when asked; returns the device. A
     * device bound after the deadline is unbound again.
     */
    static Path attachLoopDevice(Path image, boolean directIo, Duration deadline)
            throws IOException
    {
        return LinuxSyscalls.onThreadOfItsOwn(THREAD, "the loop device attach of " + image, deadline,
                () -> LinuxSyscalls.attachLoopDevice(image, directIo), LinuxSyscalls::detachLoopDevice);
    }

    /** Unbinds the loop device (losetup --detach): the kernel finishes once a device still in use is let go. */
    static void detachLoopDevice(Path device, Duration deadline)
            throws IOException
    {
        LinuxSyscalls.onThreadOfItsOwn(THREAD, "the detach of " + device, deadline, () -> {
            LinuxSyscalls.detachLoopDevice(device);
            return device;
        }, NOTHING_TO_UNDO);
    }

    /** An unmount or a detach that comes late has done what was asked. */
    private static final LinuxSyscalls.LateUndo<Path> NOTHING_TO_UNDO = done -> {};
}
