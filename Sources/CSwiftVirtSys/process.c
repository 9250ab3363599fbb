/* Process helpers for supervising QEMU: a detached fork/exec and exit watching through pidfds. */
#define _GNU_SOURCE
#include "CSwiftVirtSys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Closes every descriptor but 0-2 and `keep`. Runs in the child between fork and exec, so only
   async-signal-safe calls; close_range when the kernel has it, a plain loop otherwise. */
static void close_other_fds(int keep) {
#ifdef SYS_close_range
    if (keep < 3) {
        if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0) return;
    } else {
        if (keep > 3) syscall(SYS_close_range, 3u, (unsigned)keep - 1, 0u);
        if (syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u) == 0) return;
    }
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = 3; fd < max; fd++)
        if (fd != keep) close(fd);
}

/* Whether `fd` is one of the `nkeep` descriptors in `keep`. */
static int is_kept(int fd, const int *keep, int nkeep) {
    for (int i = 0; i < nkeep; i++)
        if (keep[i] == fd) return 1;
    return 0;
}

/* Closes every descriptor above 2 but `report` and those in `keep`, and clears close-on-exec on the kept ones.
   Child side, async-signal-safe calls only. */
static void close_fds_keeping(int report, const int *keep, int nkeep) {
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    int highest = report;
    for (int i = 0; i < nkeep; i++)
        if (keep[i] > highest) highest = keep[i];
    for (int fd = 3; fd <= highest; fd++)
        if (fd != report && !is_kept(fd, keep, nkeep)) close(fd);
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)highest + 1, ~0u, 0u) != 0)
#endif
        for (int fd = highest + 1; fd < max; fd++) close(fd);
    for (int i = 0; i < nkeep; i++) fcntl(keep[i], F_SETFD, 0);
}

/* fork + exec with the child's stdin/stdout/stderr on the given descriptors (-1: /dev/null), every other
   descriptor closed but `keep`, default signal handling; in a new session when `detach`. Returns the pid or
   -errno. */
static pid_t spawn_with_stdio(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd,
                              int err_fd, int detach, const int *keep, int nkeep) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) return -errno;
    /* Block signals across fork so the child cannot run the parent's handlers before exec. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
        for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        if (detach) setsid();
        int devnull = open("/dev/null", O_RDWR);
        if (devnull < 0) goto fail;
        if (dup2(in_fd < 0 ? devnull : in_fd, 0) < 0 || dup2(out_fd < 0 ? devnull : out_fd, 1) < 0 ||
            dup2(err_fd < 0 ? devnull : err_fd, 2) < 0)
            goto fail;
        if (devnull > 2) close(devnull);
        int w = report[1];
        if (w < 3) goto fail;
        if (nkeep > 0)
            close_fds_keeping(w, keep, nkeep);
        else
            close_other_fds(w);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(path, argv, envp);
    fail:;
        int e = errno;
        ssize_t ignored = write(report[1], &e, sizeof e);
        (void)ignored;
        _exit(127);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(report[1]);
    if (pid < 0) { close(report[0]); return -fork_errno; }
    int child_errno = 0;
    ssize_t n;
    do { n = read(report[0], &child_errno, sizeof child_errno); } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof child_errno) {
        int status;
        waitpid(pid, &status, 0);
        return -(child_errno ? child_errno : ENOEXEC);
    }
    return pid;
}

pid_t sv_spawn_detached(const char *path, char *const argv[], char *const envp[], int output_fd) {
    return spawn_with_stdio(path, argv, envp, -1, output_fd, output_fd, 1, NULL, 0);
}

pid_t sv_spawn_detached_keeping(const char *path, char *const argv[], char *const envp[], int output_fd,
                                const int *keep, int nkeep) {
    return spawn_with_stdio(path, argv, envp, -1, output_fd, output_fd, 1, keep, nkeep);
}

pid_t sv_spawn_piped(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd) {
    return spawn_with_stdio(path, argv, envp, in_fd, out_fd, err_fd, 0, NULL, 0);
}

int sv_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -errno : fd;
#else
    (void)pid;
    return -ENOSYS;
#endif
}

int sv_poll_readable(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0) return -errno;
    return r > 0 ? 1 : 0;
}

pid_t sv_reap(pid_t pid, int *status) {
    pid_t r = waitpid(pid, status, WNOHANG);
    return r < 0 ? -errno : r;
}

int sv_wait_status_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return -1;
}
