/* What reading client connections with recvmsg(2) instead of read(2) costs (not part of bench/run.sh): the
 * daemon's read(2) uses recvmsg on its client sockets so the descriptors a CALL_WITH_FDS brings survive
 * (Sources/CSwiftVirtSys/fdinbox.c). Times a 100-byte write plus the read of it on a unix socket pair.
 *   cc -O2 -o /tmp/recvmsg-micro bench/recvmsg-micro.c && /tmp/recvmsg-micro 1000000 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static ssize_t read_with_control(int fd, char *buf, size_t len) {
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    union {
        char bytes[CMSG_SPACE(sizeof(int) * 32)];
        struct cmsghdr align;
    } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes,
                          .msg_controllen = sizeof control.bytes };
    return recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1000000;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) { perror("socketpair"); return 1; }
    char message[100], buf[4096];
    memset(message, 1, sizeof message);
    for (int pass = 0; pass < 2; pass++) {
        for (int mode = 0; mode < 2; mode++) {
            double start = now_ns();
            for (int i = 0; i < rounds; i++) {
                if (write(pair[1], message, sizeof message) != sizeof message) { perror("write"); return 1; }
                ssize_t n = mode == 0 ? read(pair[0], buf, sizeof buf) : read_with_control(pair[0], buf, sizeof buf);
                if (n != sizeof message) { perror("read"); return 1; }
            }
            printf("pass %d %-8s %.0f ns per write + read\n", pass + 1, mode == 0 ? "read" : "recvmsg",
                   (now_ns() - start) / rounds);
        }
    }
    return 0;
}
