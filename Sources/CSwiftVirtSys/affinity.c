#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include "CSwiftVirtSys.h"

int sv_set_thread_affinity(pid_t tid, const uint8_t *mask, size_t mask_bytes) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (size_t cpu = 0; cpu < mask_bytes * 8 && cpu < CPU_SETSIZE; cpu++) {
        if (mask[cpu / 8] & (1u << (cpu % 8))) CPU_SET(cpu, &set);
    }
    return sched_setaffinity(tid, sizeof(set), &set);
}
