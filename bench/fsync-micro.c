/* What one durable define costs on this disk, by way of persisting it (not part of bench/run.sh).
 *   cc -O2 -o /tmp/fsync-micro bench/fsync-micro.c && /tmp/fsync-micro /var/lib/some-new-dir 300
 * Modes: libvirtd's (temp file, fsync, rename), SwiftVirt's old one (same plus a directory fsync), the definition
 * journal's (overwrite in a preallocated, already written file, then fdatasync), and the checkpoint of 500
 * config files with an fsync each versus one syncfs. Run it twice: the first pass warms the directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void report(const char *what, double ms, int n) {
    printf("%-48s %7.3f ms/op %7.0f ops/s\n", what, ms / n, n * 1e3 / ms);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s DIR COUNT\n", argv[0]); return 2; }
    const char *dir = argv[1];
    int n = atoi(argv[2]);
    char xml[1536], path[4096], tmp[4096];
    memset(xml, 'x', sizeof xml);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0) { perror(dir); return 1; }

    for (int dirsync = 0; dirsync < 2; dirsync++) {
        double t0 = now_ms();
        for (int i = 0; i < n; i++) {
            snprintf(tmp, sizeof tmp, "%s/.d%d.tmp", dir, i);
            snprintf(path, sizeof path, "%s/d%d.xml", dir, i);
            int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (write(fd, xml, sizeof xml) != sizeof xml || fsync(fd) != 0) perror("write/fsync");
            close(fd);
            rename(tmp, path);
            if (dirsync) fsync(dfd);
        }
        report(dirsync ? "temp+fsync+rename+dir fsync (old swiftvirtd)" : "temp+fsync+rename (libvirtd)", now_ms() - t0, n);
    }

    snprintf(path, sizeof path, "%s/journal", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    size_t size = (size_t)n * sizeof xml + 4096;
    char *zeros = calloc(1, size);
    if (write(fd, zeros, size) != (ssize_t)size || fsync(fd) != 0) perror("preallocate");
    fsync(dfd);
    free(zeros);
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        if (pwrite(fd, xml, sizeof xml, 4096 + (off_t)i * sizeof xml) != sizeof xml || fdatasync(fd) != 0) perror("journal");
    }
    report("pwrite into preallocated file+fdatasync (journal)", now_ms() - t0, n);
    close(fd);

    for (int batched = 0; batched < 2; batched++) {
        t0 = now_ms();
        for (int i = 0; i < 500; i++) {
            snprintf(tmp, sizeof tmp, "%s/.c%d.tmp", dir, i);
            snprintf(path, sizeof path, "%s/c%d.xml", dir, i);
            int cfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (write(cfd, xml, sizeof xml) != sizeof xml) perror("write");
            if (!batched) fsync(cfd);
            close(cfd);
            rename(tmp, path);
        }
        if (batched) syncfs(dfd); else fsync(dfd);
        printf("%-48s %7.0f ms\n", batched ? "checkpoint 500 files: rename each, one syncfs" : "checkpoint 500 files: fsync each, dir fsync",
               now_ms() - t0);
    }
    return 0;
}
