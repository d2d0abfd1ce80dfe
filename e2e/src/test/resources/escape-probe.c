/*
 * The escape suite's attacker: each subcommand makes the one system call an escape from a container needs
 * and prints "ATTACK: allowed" or "ATTACK: refused (errno name: message)". Built static at test time so it
 * runs in the busybox test image; busybox alone cannot make these calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int report(const char *attack, long result)
{
    if (result >= 0) {
        printf("%s: allowed\n", attack);
        return 0;
    }
    printf("%s: refused (%s: %s)\n", attack, strerrorname_np(errno), strerror(errno));
    return 1;
}

/* io_uring gives a second, unfiltered path to most system calls; today's engines deny it. */
static int io_uring(void)
{
    unsigned char params[120];
    memset(params, 0, sizeof(params));
    long fd = syscall(SYS_io_uring_setup, 4, params);
    return report("io_uring_setup", fd);
}

/* Attaching to a process that is not ours: the pid namespace hides it, and CAP_SYS_PTRACE is not given. */
static int ptrace_attach(const char *pid)
{
    return report("ptrace_attach", ptrace(PTRACE_ATTACH, atoi(pid), 0, 0));
}

/* A block device node for the host's disk and a mount of it: the device cgroup and CAP_SYS_ADMIN stop it. */
static int mount_disk(const char *major, const char *minor)
{
    long made = mknod("/tmp/host-disk", S_IFBLK | 0600, makedev(atoi(major), atoi(minor)));
    report("mknod_block_device", made);
    /* as with Docker's defaults, the node may be made; the device cgroup allows no read or write of it */
    int device = open("/tmp/host-disk", O_RDONLY);
    report("open_block_device", device);
    if (device >= 0) {
        close(device);
    }
    mkdir("/tmp/host-root", 0700);
    long mounted = mount("/tmp/host-disk", "/tmp/host-root", "ext4", MS_RDONLY, NULL);
    report("mount_host_disk", mounted);
    if (mounted == 0) {
        umount("/tmp/host-root");
    }
    return mounted == 0 ? 0 : 1;
}

/* A kernel module would run in the host's kernel: CAP_SYS_MODULE is never given. */
static int load_module(void)
{
    int fd = open("/bin/busybox", O_RDONLY);
    return report("finit_module", syscall(SYS_finit_module, fd, "", 0));
}

/* Opens a host control file for writing without writing to it (the sysrq trigger would act on the host). */
static int open_for_write(const char *path)
{
    char attack[256];
    snprintf(attack, sizeof(attack), "write %s", path);
    int fd = open(path, O_WRONLY);
    int refused = report(attack, fd);
    if (fd >= 0) {
        close(fd);
    }
    return refused;
}

/*
 * The release_agent escape: mount a cgroup v1 hierarchy of one's own and set its release_agent to a program
 * the host then runs as root. Both the mount and a write to any existing release_agent must fail.
 */
static int release_agent(void)
{
    mkdir("/tmp/cgroup", 0700);
    long mounted = mount("cgroup", "/tmp/cgroup", "cgroup", 0, "rdma");
    report("mount_cgroup_hierarchy", mounted);
    if (mounted == 0) {
        umount("/tmp/cgroup");
    }
    return open_for_write("/sys/fs/cgroup/memory/release_agent") & (mounted != 0);
}

/* Who the process is now: run setuid-root as an unprivileged user, it shows whether the bit gave root. */
static int identity(void)
{
    uid_t real, effective, saved;
    getresuid(&real, &effective, &saved);
    printf("uid: real=%u effective=%u saved=%u\n", real, effective, saved);
    return 0;
}

/* Touches memory until the limit stops it, at most limit_mib MiB so a broken limit still ends. */
static int memory_bomb(const char *limit_mib)
{
    long total = atol(limit_mib);
    for (long mib = 0; mib < total; mib++) {
        char *chunk = malloc(1 << 20);
        if (chunk == NULL) {
            printf("memory_bomb: malloc failed after %ld MiB\n", mib);
            return 1;
        }
        memset(chunk, 1, 1 << 20);
        if (mib % 256 == 0) {
            printf("memory_bomb: %ld MiB\n", mib);
            fflush(stdout);
        }
    }
    printf("memory_bomb: allowed %ld MiB\n", total);
    return 0;
}

/*
 * Forks children that only wait, at most limit of them so a broken limit still ends, until a fork is refused.
 * C rather than a shell loop: a fork here costs a fraction of a shell's fork and exec, so the bomb reaches the
 * limit in well under a second. The children go when the task ends.
 */
static int fork_bomb(const char *limit)
{
    long total = atol(limit);
    for (long made = 0; made < total; made++) {
        pid_t child = fork();
        if (child == 0) {
            pause();
            _exit(0);
        }
        if (child < 0) {
            printf("fork_bomb: refused after %ld forks (%s: %s)\n", made, strerrorname_np(errno), strerror(errno));
            return 1;
        }
    }
    printf("fork_bomb: allowed %ld forks\n", total);
    return 0;
}

static int wait_forever(void *unused)
{
    (void) unused;
    for (;;) {
        pause();
    }
    return 0;
}

/*
 * As fork_bomb, with processes made by clone(CLONE_VM): each shares the attacker's memory, so none has page tables
 * to copy and thousands start in a fraction of the time forks take; each is a process of its own all the same
 * (its own pid, counted by the pids limit like any other). Each runs on a small stack of its own.
 */
static int process_bomb(const char *limit)
{
    long total = atol(limit);
    size_t stack_size = 64 * 1024;
    char *stacks = mmap(NULL, stack_size * (size_t) total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stacks == MAP_FAILED) {
        printf("process_bomb: mmap of the stacks: %s\n", strerror(errno));
        return 2;
    }
    for (long made = 0; made < total; made++) {
        if (clone(wait_forever, stacks + stack_size * (size_t) (made + 1), CLONE_VM | SIGCHLD, NULL) < 0) {
            printf("process_bomb: refused after %ld processes (%s: %s)\n", made, strerrorname_np(errno), strerror(errno));
            return 1;
        }
    }
    printf("process_bomb: allowed %ld processes\n", total);
    return 0;
}

/*
 * Fills the filesystem that holds path, at most limit_mib MiB so a broken limit still ends. Writing tens of GiB
 * takes minutes, so the free space statvfs shows (less 64 MiB) is first reserved with fallocate(2), which takes
 * the blocks without writing them; then 1 MiB blocks of data are written after it until a write is refused. If
 * fallocate is not offered (or refused), the writes alone fill the disk.
 */
static int fill_disk(const char *path, const char *limit_mib)
{
    long limit = atol(limit_mib);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        printf("fill_disk: open %s: %s\n", path, strerror(errno));
        return 2;
    }
    long reserved = 0;
    struct statvfs filesystem;
    if (fstatvfs(fd, &filesystem) == 0) {
        long wanted = (long) ((unsigned long long) filesystem.f_bavail * filesystem.f_frsize >> 20) - 64;
        wanted = wanted > limit ? limit : wanted;
        if (wanted > 0 && fallocate(fd, 0, 0, (off_t) wanted << 20) == 0) {
            reserved = wanted;
        }
        else if (wanted > 0) {
            printf("fill_disk: fallocate of %ld MiB: %s: %s (writing instead)\n", wanted, strerrorname_np(errno), strerror(errno));
        }
    }
    printf("fill_disk: reserved %ld MiB\n", reserved);
    fflush(stdout);
    static char block[1 << 20];
    memset(block, 0x5a, sizeof(block));
    if (lseek(fd, (off_t) reserved << 20, SEEK_SET) < 0) {
        printf("fill_disk: lseek: %s\n", strerror(errno));
        return 2;
    }
    for (long mib = reserved; mib < limit; mib++) {
        ssize_t written = write(fd, block, sizeof(block));
        if (written < 0) {
            printf("fill_disk: refused after %ld MiB (%s: %s)\n", mib, strerrorname_np(errno), strerror(errno));
            close(fd);
            return 1;
        }
    }
    close(fd);
    printf("fill_disk: allowed %ld MiB\n", limit);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && strcmp(argv[1], "io_uring") == 0) {
        return io_uring();
    }
    if (argc >= 3 && strcmp(argv[1], "ptrace") == 0) {
        return ptrace_attach(argv[2]);
    }
    if (argc >= 4 && strcmp(argv[1], "mount-disk") == 0) {
        return mount_disk(argv[2], argv[3]);
    }
    if (argc >= 2 && strcmp(argv[1], "module") == 0) {
        return load_module();
    }
    if (argc >= 3 && strcmp(argv[1], "open-write") == 0) {
        return open_for_write(argv[2]);
    }
    if (argc >= 2 && strcmp(argv[1], "release-agent") == 0) {
        return release_agent();
    }
    if (argc >= 2 && strcmp(argv[1], "id") == 0) {
        return identity();
    }
    if (argc >= 3 && strcmp(argv[1], "fork-bomb") == 0) {
        return fork_bomb(argv[2]);
    }
    if (argc >= 3 && strcmp(argv[1], "memory-bomb") == 0) {
        return memory_bomb(argv[2]);
    }
    if (argc >= 3 && strcmp(argv[1], "process-bomb") == 0) {
        return process_bomb(argv[2]);
    }
    if (argc >= 4 && strcmp(argv[1], "fill-disk") == 0) {
        return fill_disk(argv[2], argv[3]);
    }
    fprintf(stderr, "usage: escape-probe io_uring | ptrace PID | mount-disk MAJOR MINOR | module | open-write PATH"
            " | release-agent | id | fork-bomb N | process-bomb N | memory-bomb MIB | fill-disk PATH MIB\n");
    return 2;
}
