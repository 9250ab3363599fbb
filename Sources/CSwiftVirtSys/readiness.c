#define _GNU_SOURCE
#include "CSwiftVirtSys.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <stddef.h>

int sv_readiness_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int sv_readiness_watch(int set_fd, int fd) {
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP, .data = {.fd = fd}};
    return epoll_ctl(set_fd, EPOLL_CTL_ADD, fd, &event) == 0 ? 0 : -errno;
}

int sv_readiness_any(int set_fd) {
    struct epoll_event event;
    int n = epoll_wait(set_fd, &event, 1, 0);
    return n >= 0 ? n : -errno;
}

int sv_readiness_unwatch(int set_fd, int fd) {
    return epoll_ctl(set_fd, EPOLL_CTL_DEL, fd, NULL) == 0 ? 0 : -errno;
}

int sv_readiness_wait(int set_fd, int *fds, int max, int timeout_ms) {
    struct epoll_event events[64];
    if (max > 64) max = 64;
    if (max < 1) return -EINVAL;
    int n = epoll_wait(set_fd, events, max, timeout_ms);
    if (n < 0) return -errno;
    for (int i = 0; i < n; i++) fds[i] = events[i].data.fd;
    return n;
}

int sv_accept_cloexec(int listen_fd) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}
