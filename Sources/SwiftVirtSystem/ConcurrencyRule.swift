// THE CONCURRENCY RULE of swiftvirtd: the daemon (SwiftVirtDaemon) and its drivers (SwiftVirtQEMU) follow it,
// and the tools it names live in this module. When code breaks it, change the code or add the exception here.
//
// 1. Event loops never block. NIO's loops frame, decode and encode packets and hand calls to tasks; the quick
//    queries they answer themselves come from snapshots.
//
// 2. Tasks and actors never block either. The cooperative pool has one thread per core (two on small hosts),
//    so one blocked thread halves the daemon, and an actor that blocks also stalls every caller queued on it.
//    On a task: computation, and system calls that return in microseconds without waiting for a device or
//    another process (open, stat, rename, mkdir, kill; reading or unlinking small files of /proc, /sys and our
//    state directories; one packet's pread/pwrite of a volume stream). Known exception: a volume upload's hole
//    over existing data, on a filesystem that cannot punch holes, is written as zeros on the connection's task
//    (ext4, xfs, btrfs and tmpfs punch holes).
//
// 3. Blocking work runs on ONE executor, `BlockingIO.run { }` (a pool of `BlockingIO.threadCount` threads), and
//    the caller awaits it. Blocking work is: running a child process to completion (ip, nft, dnsmasq, qemu-img,
//    scrub, qemu --version), fsync/fdatasync/syncfs (AtomicFile, the definition journal, volume uploads),
//    whole-file work (wipes, allocating raw volumes, unlinking a volume), and waiting for a process to go
//    (dnsmasq stops). Functions that block say so ("Blocking") in their doc comment; call them only inside
//    `BlockingIO.run`. No DispatchQueue and no extra thread pools for work (Dispatch delivers the stop signals,
//    nothing else).
//
// 4. An actor that awaits lets other calls in until it resumes. Operations that must not interleave across such
//    an await take a FIFO `AsyncJobLock`: per domain in the daemon (DomainJobs), per running QEMU domain
//    (QEMUDomain's job), one each for the network and storage pool registries' changes. A lock is taken before
//    the state it guards is checked, and never taken again inside itself.
//
// 5. Process exits are watched from one thread for all guests (`ProcessExitWatcher`: epoll over pidfds), and
//    reported to each process's waiters; never a thread per process.
//
// 6. Threads of our own exist by design, and only these:
//    - the accept thread of each listening socket (UnixListener): it blocks in accept4, one per socket, so the
//      daemon knows each connection's descriptor before NIO takes the connection over;
//    - the process-exit watcher (5) and the blocking executor's threads (3);
//    - the KVM probe, once at start-up: it needs a thread of its own for its thread-directed timer signal.
//    BusyPoller spins on the event loops' own threads for a short window after a reply (see BusyPoller.swift):
//    a bounded, measured trade of CPU for latency, not blocking work.
