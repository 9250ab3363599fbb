#define _GNU_SOURCE
#include "CSwiftVirtSys.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The sockets these serve are non-blocking (NIO owns them); a full socket is waited out rather than failed. */
static int wait_writable(int fd) {
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    for (;;) {
        int n = poll(&p, 1, 30000);
        if (n > 0) return 0;
        if (n == 0) return -ETIMEDOUT;
        if (errno != EINTR) return -errno;
    }
}

/* After a send that moved nothing: 0 to try again (interrupted, or the socket has room again), else -errno. */
static int await_retry(int fd, ssize_t n) {
    if (n < 0 && errno == EINTR) return 0;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return wait_writable(fd);
    return n < 0 ? -errno : -EIO;
}

int sv_write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        int rc = await_retry(fd, n);
        if (rc < 0) return rc;
    }
    return 0;
}

int sv_send_with_fd(int sock, const void *buf, size_t len, int fd) {
    if (len == 0) return -EINVAL;
    union {
        struct cmsghdr header;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
                         .msg_controllen = sizeof control.space};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    for (;;) {
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n > 0) return sv_write_all(sock, (const char *)buf + n, len - (size_t)n);
        int rc = await_retry(sock, n);
        if (rc < 0) return rc;
    }
}

int sv_stream_socketpair(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0 ? 0 : -errno;
}

/* A close-on-exec unix stream socket and `path` as its address; the descriptor, or -errno. */
static int unix_socket_for(const char *path, struct sockaddr_un *addr) {
    *addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr->sun_path) return -ENAMETOOLONG;
    strcpy(addr->sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

int sv_unix_connect(const char *path) {
    struct sockaddr_un addr;
    int fd = unix_socket_for(path, &addr);
    if (fd < 0) return fd;
    for (;;) {
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 || errno == EISCONN) return fd;
        if (errno == EINTR || errno == EALREADY) continue;
        int err = errno;
        close(fd);
        return -err;
    }
}

int sv_unix_listen(const char *path) {
    struct sockaddr_un addr;
    int fd = unix_socket_for(path, &addr);
    if (fd < 0) return fd;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 1) != 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}
