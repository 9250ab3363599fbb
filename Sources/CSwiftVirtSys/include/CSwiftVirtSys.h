#ifndef CSWIFTVIRTSYS_H
#define CSWIFTVIRTSYS_H
/* C shims for syscalls Swift cannot call directly (variadic ioctl, KVM probe, fork/exec). */
#include <stdint.h>
#include <sys/types.h>

int sv_placeholder(void);

/* How far the raw KVM probe got before it stopped. */
typedef enum {
    SV_KVM_STAGE_OPEN = 0,
    SV_KVM_STAGE_API_VERSION = 1,
    SV_KVM_STAGE_CREATE_VM = 2,
    SV_KVM_STAGE_MEMORY = 3,
    SV_KVM_STAGE_VCPU = 4,
    SV_KVM_STAGE_REGISTERS = 5,
    SV_KVM_STAGE_RUN = 6,
    SV_KVM_STAGE_DONE = 7
} sv_kvm_stage;

typedef struct {
    int32_t stage;             /* sv_kvm_stage reached; DONE when the run phase ended normally */
    int32_t error_number;      /* errno of the failing step, 0 if none */
    int32_t api_version;       /* KVM_GET_API_VERSION, -1 if not reached */
    int32_t completed;         /* the guest loop reached its final port write */
    int32_t timed_out;         /* the budget ran out before the loop finished */
    int32_t last_exit_reason;  /* kvm_run.exit_reason of the last exit */
    uint64_t elapsed_ns;       /* wall time spent in the run phase */
    uint64_t instructions;     /* guest instructions retired by the loop (from the counter register) */
    int64_t insn_emulation;    /* vCPU insn_emulation statistic, -1 when KVM_GET_STATS_FD is unavailable */
} sv_kvm_probe_result;

/* Runs `iterations` iterations of a two-instruction loop in 64-bit long mode at CPL 0 in a fresh VM,
   stopping after `budget_ns`. Blocking; uses a per-thread timer signal (SIGRTMIN+7) to interrupt KVM_RUN. */
void sv_kvm_probe(const char *device_path, uint32_t iterations, uint64_t budget_ns, sv_kvm_probe_result *out);

/* fork + setsid + exec. stdin is /dev/null, stdout and stderr go to `output_fd`; every other descriptor is
   closed in the child. Returns the child pid, or -errno. Exec failure is reported through a CLOEXEC pipe. */
pid_t sv_spawn_detached(const char *path, char *const argv[], char *const envp[], int output_fd);

/* sv_spawn_detached, but the `nkeep` descriptors in `keep` stay open in the child under the same numbers
   (close-on-exec cleared there), for a child that is told their numbers on its command line (QEMU's tap fd=N). */
pid_t sv_spawn_detached_keeping(const char *path, char *const argv[], char *const envp[], int output_fd,
                                const int *keep, int nkeep);

/* fork + exec for short-lived helper tools: stdin, stdout and stderr on the given descriptors (-1 means
   /dev/null), every other descriptor closed, same session. Returns the child pid, or -errno. */
pid_t sv_spawn_piped(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd);

/* pidfd_open(2): a descriptor that becomes readable when the process ends; -errno on failure. */
int sv_pidfd_open(pid_t pid);

/* Waits up to timeout_ms for `fd` to become readable. 1 readable, 0 timeout, -errno on error. */
int sv_poll_readable(int fd, int timeout_ms);

/* Non-blocking waitpid; returns pid when reaped (status stored), 0 if still running, -errno otherwise. */
pid_t sv_reap(pid_t pid, int *status);

/* Decode a wait status: exit code or -signal. */
int sv_wait_status_code(int status);

/* A readiness set (an epoll instance, which Swift's Glibc module does not export) for looking, without
   waiting, whether any of several descriptors has input. create returns the set's descriptor, watch adds a
   descriptor for input/hang-up (closing it removes it), any returns 1 if one is ready, 0 if none; -errno on error. */
int sv_readiness_create(void);
int sv_readiness_watch(int set_fd, int fd);
int sv_readiness_any(int set_fd);
/* Takes `fd` out of the set. Needed before closing a descriptor whose file may live on elsewhere (a child
   between fork and exec holds a copy): until that file is released its entry would stay and keep firing. */
int sv_readiness_unwatch(int set_fd, int fd);
/* Waits up to timeout_ms (-1: no limit) for descriptors of the set to be ready and stores up to `max` (at most 64)
   of them in `fds`; returns how many, or -errno. */
int sv_readiness_wait(int set_fd, int *fds, int max, int timeout_ms);

/* accept4(2) with SOCK_CLOEXEC (not in Swift's Glibc module); the new descriptor, or -errno. */
int sv_accept_cloexec(int listen_fd);

/* malloc_trim(0): returns free heap pages to the kernel (glibc's malloc.h is not in Swift's Glibc module). */
int sv_malloc_trim(void);

/* Deallocates [offset, offset+length) of a file so it reads as zeros, keeping the size
   (fallocate PUNCH_HOLE|KEEP_SIZE). 0, or -errno (-EOPNOTSUPP where the filesystem cannot). */
int sv_punch_hole(int fd, int64_t offset, int64_t length);

/* syncfs(2): makes everything written to fd's filesystem durable (glibc declares it only with _GNU_SOURCE).
   0, or -1 with errno set. */
int sv_syncfs(int fd);

/* Pins thread `tid` to the CPUs whose bits are set in `mask` (`mask_bytes` long); 0, else -1 with errno. */
int sv_set_thread_affinity(pid_t tid, const uint8_t *mask, size_t mask_bytes);

/* Offload features of a network interface as libvirt's node device driver reads them with ethtool ioctls, one bit
 * each in libvirt's order (rx, tx, sg, tso, gso, gro, lro, rxvlan, txvlan, ntuple, rxhash, rdma, txudptnl); rdma
 * and switchdev are not read here. */
enum {
    SV_NETDEV_FEATURE_RX = 1u << 0,
    SV_NETDEV_FEATURE_LRO = 1u << 6,
    SV_NETDEV_FEATURE_TXUDPTNL = 1u << 12,
};
uint32_t sv_ethtool_features(const char *ifname);

/* Sends `len` bytes of `buf` on the stream socket `sock` with descriptor `fd` attached (SCM_RIGHTS) to the
   first byte, then the rest plainly; waits (poll) while the socket is full. 0, or -errno. */
int sv_send_with_fd(int sock, const void *buf, size_t len, int fd);

/* Writes all `len` bytes of `buf` to `fd`, waiting (poll) while a non-blocking descriptor is full. 0, or -errno. */
int sv_write_all(int fd, const void *buf, size_t len);

/* socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC); 0, or -errno. */
int sv_stream_socketpair(int fds[2]);

/* A connected AF_UNIX stream socket (close-on-exec) to `path`; the descriptor, or -errno. */
int sv_unix_connect(const char *path);

/* A listening AF_UNIX stream socket (close-on-exec) bound at `path`, replacing what is there; the descriptor,
   or -errno. For a helper that is handed the socket (virtiofsd --fd=N). */
int sv_unix_listen(const char *path);

/* Descriptors clients send on a connection (see fdinbox.c: the daemon's read(2) keeps them for registered
   sockets). open registers socket `fd` for `owner` (nonzero), emptying a stale inbox; 0 or -errno. take moves
   up to `max` received descriptors, oldest first, to `out` and returns how many; close unregisters (only if
   `owner` still owns it) and closes what was not taken. */
int sv_inbox_open(int fd, uint64_t owner);
int sv_inbox_take(int fd, uint64_t owner, int *out, int max);
void sv_inbox_close(int fd, uint64_t owner);

#endif
