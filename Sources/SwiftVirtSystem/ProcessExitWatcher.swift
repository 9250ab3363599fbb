import CSwiftVirtSys
import Glibc
import Synchronization

/// How a watched process ended.
public enum ProcessExit: Sendable, Equatable {
    case exited(code: Int32)
    case signaled(signal: Int32)
    /// An adopted process (not our child): it is gone, but its status went to its real parent.
    case unknown
}

/// Watches every supervised process's exit from one thread: an epoll set over their pidfds, which become
/// readable when their process ends. A thread per process would cost a stack per guest and scale with the
/// guest count; this costs one thread, asleep while nothing ends. A process whose pidfd cannot be opened
/// (kernels before 5.3, or no descriptors left) is polled by the same thread every 100 ms instead.
public final class ProcessExitWatcher: Sendable {
    public static let shared = ProcessExitWatcher()

    private struct Watch: Sendable {
        var id: UInt64
        var pid: Int32
        /// Our child: reap it and report its status. Otherwise someone else reaps it; the exit is `.unknown`.
        var reap: Bool
        var onExit: @Sendable (ProcessExit) -> Void
    }

    private struct State {
        var threadRunning = false
        var nextID: UInt64 = 0
        var byDescriptor: [Int32: Watch] = [:]
        var polled: [Watch] = []
    }

    private let state = Mutex(State())
    /// The epoll set of pidfds (and the wake pipe); negative when it could not be made (then everything is polled).
    private let set: Int32
    /// Written to when a polled watch arrives, so a thread asleep with no timeout starts polling.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    init() {
        set = sv_readiness_create()
        var fds: [Int32] = [-1, -1]
        if set >= 0, pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
            _ = sv_readiness_watch(set, fds[0])
        }
        (wakeRead, wakeWrite) = (fds[0], fds[1])
    }

    /// Calls `onExit` once, on the watcher's thread, when process `pid` has ended (right away, on this
    /// thread, when it is already gone). With `reap`, the process must be our child: it is reaped and its status
    /// reported.
    public func watch(pid: Int32, reap: Bool, onExit: @escaping @Sendable (ProcessExit) -> Void) {
        watch(pid: pid, reap: reap, pidfd: sv_pidfd_open(pid), onExit: onExit)
    }

    /// `pidfd` is the process's pidfd or -errno (tests pass -ENOSYS to exercise the polling fallback).
    func watch(pid: Int32, reap: Bool, pidfd: Int32, onExit: @escaping @Sendable (ProcessExit) -> Void) {
        if pidfd == -ESRCH {
            onExit(Self.exitStatus(pid: pid, reap: reap))
            return
        }
        var watched = false
        state.withLock { s in
            let watch = Watch(id: s.nextID, pid: pid, reap: reap, onExit: onExit)
            s.nextID &+= 1
            // Registered before the descriptor joins the set, so the thread always finds it.
            if pidfd >= 0 && set >= 0 {
                s.byDescriptor[pidfd] = watch
                if sv_readiness_watch(set, pidfd) == 0 {
                    watched = true
                    return
                }
                s.byDescriptor[pidfd] = nil
            }
            s.polled.append(watch)
        }
        if !watched {
            if pidfd >= 0 { close(pidfd) }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
        startThreadIfNeeded()
    }

    private func startThreadIfNeeded() {
        let start = state.withLock { s in
            defer { s.threadRunning = true }
            return !s.threadRunning
        }
        guard start else { return }
        // Without a thread nothing is reported; the next watch tries again.
        if !DetachedThread.start(name: "process exits", { [self] in self.run() }) {
            state.withLock { $0.threadRunning = false }
        }
    }

    private func run() {
        var ready = [Int32](repeating: -1, count: 32)
        while true {
            let polling = state.withLock { !$0.polled.isEmpty }
            let n: Int32
            if set >= 0 {
                n = sv_readiness_wait(set, &ready, Int32(ready.count), polling ? 100 : -1)
                if n < 0 && n != -EINTR { usleep(100_000) }  // not expected; do not spin if it happens
            } else {
                usleep(100_000)
                n = 0
            }
            for fd in ready.prefix(Int(max(0, n))) {
                if fd == wakeRead {
                    var sink = [UInt8](repeating: 0, count: 64)
                    while read(wakeRead, &sink, sink.count) > 0 {}
                    continue
                }
                // Out of the set before it is closed, and only our own descriptors are closed: a child being
                // spawned may still hold a copy of this pidfd, which would keep a closed descriptor's entry
                // firing, and its number may by then belong to someone else.
                let watch = state.withLock { s in
                    let watch = s.byDescriptor.removeValue(forKey: fd)
                    if watch != nil { _ = sv_readiness_unwatch(set, fd) }
                    return watch
                }
                guard let watch else { continue }
                close(fd)
                watch.onExit(Self.exitStatus(pid: watch.pid, reap: watch.reap))
            }
            if polling { pollWithoutDescriptors() }
        }
    }

    /// The polling fallback: a process is gone when signal 0 no longer reaches it (or, for a child, once it
    /// can be reaped: a zombie still takes signals).
    private func pollWithoutDescriptors() {
        var ended: [(Watch, ProcessExit)] = []
        for watch in state.withLock({ $0.polled }) {
            if watch.reap, let exit = Self.reap(watch.pid) {
                ended.append((watch, exit))
            } else if kill(watch.pid, 0) != 0 && errno != EPERM {
                ended.append((watch, Self.exitStatus(pid: watch.pid, reap: watch.reap)))
            }
        }
        guard !ended.isEmpty else { return }
        state.withLock { s in s.polled.removeAll { w in ended.contains { $0.0.id == w.id } } }
        for (watch, exit) in ended { watch.onExit(exit) }
    }

    /// A child's status once it has ended. A pidfd is readable from zombie time on, so the first reap
    /// normally succeeds; the retries (at most half a second) cover a status that is not there yet.
    private static func exitStatus(pid: Int32, reap: Bool) -> ProcessExit {
        guard reap else { return .unknown }
        for _ in 0..<50 {
            if let exit = Self.reap(pid) { return exit }
            usleep(10_000)
        }
        return .unknown
    }

    private static func reap(_ pid: Int32) -> ProcessExit? {
        var status: Int32 = 0
        let r = sv_reap(pid, &status)
        if r == pid {
            let code = sv_wait_status_code(status)
            return code >= 0 ? .exited(code: code) : .signaled(signal: -code)
        }
        if r == -ECHILD { return .unknown }
        return nil
    }
}
