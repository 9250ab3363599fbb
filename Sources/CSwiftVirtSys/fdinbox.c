/* Descriptors a libvirt client sends (CALL_WITH_FDS: each one attached to a byte after the call packet).
 *
 * SwiftNIO reads stream sockets with read(2), and read(2) on a unix socket discards the descriptors attached to
 * the bytes it returns. So the daemon's own read(2) replaces the C library's: for a socket registered here
 * (a client connection) it reads with recvmsg(2) instead and keeps the descriptors in the socket's inbox, in
 * arrival order, until the connection's packet decoder takes them. Every other descriptor is read by the plain
 * system call, as before; the only cost on that path is one atomic load. */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "CSwiftVirtSys.h"

enum { INBOX_TABLE = 1 << 16, INBOX_QUEUE = 64, CARRIED_MAX = 32 };

struct sv_inbox {
    /* Nonzero while a connection owns the socket; the token its registration got. */
    _Atomic uint64_t owner;
    pthread_mutex_t lock;
    int queue[INBOX_QUEUE];
    int count;
};

/* Indexed by descriptor number; an inbox, once made, stays (a reader may be looking at it). */
static struct sv_inbox *_Atomic inboxes[INBOX_TABLE];
static pthread_mutex_t making = PTHREAD_MUTEX_INITIALIZER;

static struct sv_inbox *inbox_made(int fd) {
    struct sv_inbox *box = atomic_load_explicit(&inboxes[fd], memory_order_acquire);
    if (box) return box;
    pthread_mutex_lock(&making);
    box = atomic_load_explicit(&inboxes[fd], memory_order_acquire);
    if (!box && (box = calloc(1, sizeof *box)) != NULL) {
        pthread_mutex_init(&box->lock, NULL);
        atomic_store_explicit(&inboxes[fd], box, memory_order_release);
    }
    pthread_mutex_unlock(&making);
    return box;
}

/* Closes what the inbox holds; the caller holds its lock. */
static void inbox_empty(struct sv_inbox *box) {
    for (int i = 0; i < box->count; i++) close(box->queue[i]);
    box->count = 0;
}

int sv_inbox_open(int fd, uint64_t owner) {
    if (fd < 0 || fd >= INBOX_TABLE || owner == 0) return -EINVAL;
    struct sv_inbox *box = inbox_made(fd);
    if (!box) return -ENOMEM;
    pthread_mutex_lock(&box->lock);
    inbox_empty(box);
    atomic_store(&box->owner, owner);
    pthread_mutex_unlock(&box->lock);
    return 0;
}

void sv_inbox_close(int fd, uint64_t owner) {
    if (fd < 0 || fd >= INBOX_TABLE) return;
    struct sv_inbox *box = atomic_load_explicit(&inboxes[fd], memory_order_acquire);
    if (!box) return;
    pthread_mutex_lock(&box->lock);
    /* The number may already belong to a newer connection, which keeps its inbox. */
    if (atomic_load(&box->owner) == owner) {
        atomic_store(&box->owner, 0);
        inbox_empty(box);
    }
    pthread_mutex_unlock(&box->lock);
}

int sv_inbox_take(int fd, uint64_t owner, int *out, int max) {
    if (fd < 0 || fd >= INBOX_TABLE) return 0;
    struct sv_inbox *box = atomic_load_explicit(&inboxes[fd], memory_order_acquire);
    if (!box) return 0;
    int taken = 0;
    pthread_mutex_lock(&box->lock);
    if (atomic_load(&box->owner) == owner) {
        taken = box->count < max ? box->count : max;
        memcpy(out, box->queue, (size_t)taken * sizeof(int));
        memmove(box->queue, box->queue + taken, (size_t)(box->count - taken) * sizeof(int));
        box->count -= taken;
    }
    pthread_mutex_unlock(&box->lock);
    return taken;
}

/* Keeps the descriptors of an SCM_RIGHTS message; beyond the inbox's room they are closed (a client
   flooding descriptors loses them, and its call then fails for want of them). */
static void inbox_keep(struct sv_inbox *box, struct msghdr *msg) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int fds[CARRIED_MAX];
        if (n > CARRIED_MAX) n = CARRIED_MAX;
        memcpy(fds, CMSG_DATA(c), (size_t)n * sizeof(int));
        pthread_mutex_lock(&box->lock);
        for (int i = 0; i < n; i++) {
            if (box->count < INBOX_QUEUE) box->queue[box->count++] = fds[i];
            else close(fds[i]);
        }
        pthread_mutex_unlock(&box->lock);
    }
}

ssize_t read(int fd, void *buf, size_t count) {
    struct sv_inbox *box = (fd >= 0 && fd < INBOX_TABLE)
        ? atomic_load_explicit(&inboxes[fd], memory_order_acquire) : NULL;
    if (!box || atomic_load_explicit(&box->owner, memory_order_relaxed) == 0) {
        return syscall(SYS_read, fd, buf, count);
    }
    struct iovec iov = { .iov_base = buf, .iov_len = count };
    union {
        char bytes[CMSG_SPACE(sizeof(int) * CARRIED_MAX)];
        struct cmsghdr align;
    } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes,
                          .msg_controllen = sizeof control.bytes };
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == ENOTSOCK) {
        /* The number was closed and reused for something that is not a socket before the owner let go. */
        return syscall(SYS_read, fd, buf, count);
    }
    if (n >= 0 && msg.msg_controllen > 0) inbox_keep(box, &msg);
    return n;
}
