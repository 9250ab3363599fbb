/* Functional KVM probe: decides whether /dev/kvm runs CPL-0 guest code natively or through the in-kernel
   instruction emulator (as PVM does). See shared/briefs/kvm-probe.md for the method. */
#define _GNU_SOURCE
#include "CSwiftVirtSys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM_SIZE (2u << 20)
#define PML4_ADDR 0x1000u
#define PDPT_ADDR 0x2000u
#define PD_ADDR 0x3000u
#define CODE_ADDR 0x8000u
#define DONE_PORT 0x10
#define TICK_NS 50000000ull

/* Older glibc headers do not name the thread-id member of struct sigevent. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The handler only exists so the signal interrupts KVM_RUN with EINTR instead of killing the process. It is
   installed once and never removed: with probes on several threads, restoring the default disposition while
   another probe's timer is armed would let a late tick terminate the process. */
static void tick_handler(int sig) { (void)sig; }
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
static int handler_installed = 0;
static void install_tick_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = tick_handler;  /* no SA_RESTART: KVM_RUN must return EINTR */
    sigemptyset(&action.sa_mask);
    handler_installed = sigaction(SIGRTMIN + 7, &action, NULL) == 0;
}

static void fill_guest(uint8_t *mem, uint32_t iterations) {
    uint64_t *pml4 = (uint64_t *)(mem + PML4_ADDR);
    uint64_t *pdpt = (uint64_t *)(mem + PDPT_ADDR);
    uint64_t *pd = (uint64_t *)(mem + PD_ADDR);
    pml4[0] = PDPT_ADDR | 0x3;  /* present, writable */
    pdpt[0] = PD_ADDR | 0x3;
    pd[0] = 0x0 | 0x83;         /* one 2 MiB page, identity mapped */
    uint8_t *code = mem + CODE_ADDR;
    size_t i = 0;
    code[i++] = 0xb9;           /* mov ecx, imm32 */
    memcpy(code + i, &iterations, 4);
    i += 4;
    code[i++] = 0xff; code[i++] = 0xc9;   /* L: dec ecx */
    code[i++] = 0x75; code[i++] = 0xfc;   /* jnz L */
    code[i++] = 0xe6; code[i++] = DONE_PORT;  /* out DONE_PORT, al */
    code[i++] = 0xf4;           /* hlt */
}

static int setup_long_mode(int vcpu) {
    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) return -1;
    struct kvm_segment code = {
        .base = 0, .limit = 0xffffffff, .selector = 1 << 3, .type = 11, .present = 1,
        .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
    };
    struct kvm_segment data = code;
    data.selector = 2 << 3;
    data.type = 3;
    data.l = 0;
    data.db = 1;
    sregs.cs = code;
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
    sregs.cr3 = PML4_ADDR;
    sregs.cr4 = 1u << 5;         /* PAE */
    sregs.cr0 = 0x80050033;      /* PG, AM, WP, NE, ET, MP, PE */
    sregs.efer = 0x500;          /* LME | LMA */
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) return -1;
    struct kvm_regs regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = CODE_ADDR;
    regs.rflags = 0x2;
    regs.rsp = GUEST_MEM_SIZE - 0x10;
    return ioctl(vcpu, KVM_SET_REGS, &regs);
}

/* Reads the vCPU's insn_emulation counter from its binary statistics file, -1 if unavailable. */
static int64_t read_insn_emulation(int vcpu) {
#ifdef KVM_GET_STATS_FD
    int fd = ioctl(vcpu, KVM_GET_STATS_FD, NULL);
    if (fd < 0) return -1;
    int64_t result = -1;
    struct kvm_stats_header header;
    if (pread(fd, &header, sizeof header, 0) != (ssize_t)sizeof header) goto out;
    size_t desc_size = sizeof(struct kvm_stats_desc) + header.name_size;
    if (header.num_desc == 0 || header.num_desc > 4096 || desc_size > 4096) goto out;
    char *descs = calloc(header.num_desc, desc_size);
    if (!descs) goto out;
    if (pread(fd, descs, desc_size * header.num_desc, header.desc_offset) ==
        (ssize_t)(desc_size * header.num_desc)) {
        for (uint32_t i = 0; i < header.num_desc; i++) {
            struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * desc_size);
            if (strncmp(d->name, "insn_emulation", header.name_size) == 0) {
                uint64_t value = 0;
                if (pread(fd, &value, sizeof value, header.data_offset + d->offset) == (ssize_t)sizeof value)
                    result = (int64_t)value;
                break;
            }
        }
    }
    free(descs);
out:
    close(fd);
    return result;
#else
    (void)vcpu;
    return -1;
#endif
}

static int run_loop(int vcpu, struct kvm_run *run, uint32_t iterations, uint64_t budget_ns,
                    sv_kvm_probe_result *out) {
    int sig = SIGRTMIN + 7;
    pthread_once(&handler_once, install_tick_handler);
    if (!handler_installed) return -1;
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    sigset_t old_mask;
    pthread_sigmask(SIG_UNBLOCK, &unblock, &old_mask);

    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = sig;
    sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
    timer_t timer;
    int rc = -1;
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) < 0) goto restore;
    struct itimerspec spec = {
        .it_interval = {.tv_sec = 0, .tv_nsec = TICK_NS},
        .it_value = {.tv_sec = 0, .tv_nsec = TICK_NS},
    };
    timer_settime(timer, 0, &spec, NULL);

    uint64_t start = now_ns();
    for (;;) {
        int r = ioctl(vcpu, KVM_RUN, 0);
        uint64_t elapsed = now_ns() - start;
        out->elapsed_ns = elapsed;
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                if (elapsed >= budget_ns) { out->timed_out = 1; rc = 0; break; }
                continue;
            }
            out->error_number = errno;
            break;
        }
        out->last_exit_reason = (int32_t)run->exit_reason;
        if (run->exit_reason == KVM_EXIT_IO && run->io.port == DONE_PORT) {
            out->completed = 1;
            rc = 0;
            break;
        }
        if (run->exit_reason == KVM_EXIT_INTR) {
            if (elapsed >= budget_ns) { out->timed_out = 1; rc = 0; break; }
            continue;
        }
        /* Any other exit (shutdown, internal error, fail entry, hlt before the loop ends) is a failure. */
        out->error_number = 0;
        break;
    }
    struct itimerspec off;
    memset(&off, 0, sizeof off);
    timer_settime(timer, 0, &off, NULL);
    timer_delete(timer);
    struct kvm_regs regs;
    if (ioctl(vcpu, KVM_GET_REGS, &regs) == 0) {
        uint32_t remaining = out->completed ? 0 : (uint32_t)regs.rcx;
        if (remaining <= iterations) out->instructions = 2ull * (iterations - remaining) + (out->completed ? 2 : 1);
    }
restore:
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return rc;
}

void sv_kvm_probe(const char *device_path, uint32_t iterations, uint64_t budget_ns, sv_kvm_probe_result *out) {
    memset(out, 0, sizeof *out);
    out->api_version = -1;
    out->insn_emulation = -1;
    out->last_exit_reason = -1;
    int kvm = -1, vm = -1, vcpu = -1;
    uint8_t *mem = MAP_FAILED;
    struct kvm_run *run = MAP_FAILED;
    long run_size = 0;

    out->stage = SV_KVM_STAGE_OPEN;
    kvm = open(device_path, O_RDWR | O_CLOEXEC);
    if (kvm < 0) { out->error_number = errno; goto done; }
    out->stage = SV_KVM_STAGE_API_VERSION;
    out->api_version = ioctl(kvm, KVM_GET_API_VERSION, 0);
    if (out->api_version < 0) { out->error_number = errno; goto done; }
    if (out->api_version != KVM_API_VERSION) goto done;
    out->stage = SV_KVM_STAGE_CREATE_VM;
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) { out->error_number = errno; goto done; }

    out->stage = SV_KVM_STAGE_MEMORY;
    mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) { out->error_number = errno; goto done; }
    fill_guest(mem, iterations);
    struct kvm_userspace_memory_region region = {
        .slot = 0, .flags = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM_SIZE,
        .userspace_addr = (uint64_t)(uintptr_t)mem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) { out->error_number = errno; goto done; }

    out->stage = SV_KVM_STAGE_VCPU;
    vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) { out->error_number = errno; goto done; }
    run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0) { out->error_number = errno; goto done; }
    run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) { out->error_number = errno; goto done; }

    out->stage = SV_KVM_STAGE_REGISTERS;
    if (setup_long_mode(vcpu) < 0) { out->error_number = errno; goto done; }

    out->stage = SV_KVM_STAGE_RUN;
    if (run_loop(vcpu, run, iterations, budget_ns, out) == 0) out->stage = SV_KVM_STAGE_DONE;
    out->insn_emulation = read_insn_emulation(vcpu);

done:
    if (run != MAP_FAILED) munmap(run, (size_t)run_size);
    if (vcpu >= 0) close(vcpu);
    if (mem != MAP_FAILED) munmap(mem, GUEST_MEM_SIZE);
    if (vm >= 0) close(vm);
    if (kvm >= 0) close(kvm);
}
