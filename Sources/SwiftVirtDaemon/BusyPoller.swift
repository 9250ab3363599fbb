import CSwiftVirtSys
import Glibc
import NIOCore

/// Keeps an event loop polling its client connections for a short window after it sent a reply, instead of
/// going to sleep in epoll at once.
///
/// A client such as virsh or python3-libvirt sends its next call a few tens of microseconds after a reply.
/// If the loop's thread slept meanwhile, that call first has to wake it — and on a virtual machine whose idle
/// CPUs halt without polling (cpuidle haltpoll off, as on the machines this was measured on) waking a thread on
/// the other CPU costs about 25 µs, more than answering a lookup. Polling costs CPU only inside the window and
/// only after a reply; an idle daemon never polls. `--busy-poll-us 0` turns it off.
final class BusyPoller: Sendable {
    private let loops: [ObjectIdentifier: LoopPoller]

    /// One poller per loop of `group`; none when `window` is zero.
    init(group: any EventLoopGroup, window: TimeAmount) {
        var loops: [ObjectIdentifier: LoopPoller] = [:]
        if window > .zero {
            for loop in group.makeIterator() {
                if let poller = LoopPoller(loop: loop, window: window) { loops[ObjectIdentifier(loop)] = poller }
            }
        }
        self.loops = loops
    }

    func poller(for loop: any EventLoop) -> LoopPoller? { loops[ObjectIdentifier(loop)] }
}

/// The poller of one event loop: a readiness set (epoll) of its own holding that loop's client sockets, looked at (never
/// waited on) between the loop's tasks while the window is open. NIO's epoll still does all the I/O: when a
/// socket turns readable the poller stops and the loop's next epoll_wait returns at once.
final class LoopPoller: @unchecked Sendable {
    // @unchecked: `deadline` and `polling` are only touched on `loop`'s thread (`replied` and `awaitingReply` are called from
    // channel handlers of that loop, `poll` runs as a task on it); `readinessFD` never changes and adding to the set is thread-safe.
    private let loop: any EventLoop
    private let readinessFD: CInt
    private let window: TimeAmount
    private var deadline = NIODeadline.uptimeNanoseconds(0)
    private var polling = false
    /// Polling pauses until then after a look found the CPU wanted by another thread.
    private var pausedUntil = NIODeadline.uptimeNanoseconds(0)

    /// A yield that came back later than this ran another thread.
    private static let contended = TimeAmount.microseconds(20)
    private static let pause = TimeAmount.milliseconds(1)

    init?(loop: any EventLoop, window: TimeAmount) {
        let fd = sv_readiness_create()
        guard fd >= 0 else { return nil }
        self.loop = loop
        self.readinessFD = fd
        self.window = window
    }

    deinit { close(readinessFD) }

    /// Adds a connection of this loop. Closing the socket removes it from the set.
    func watch(_ fd: CInt) {
        _ = sv_readiness_watch(readinessFD, fd)
    }

    /// A reply was written on this loop: poll until the window after it closes or a connection has input.
    func replied() { keepPolling(for: window) }

    /// A call went on to the daemon's tasks (a define, a start): poll for up to ten windows, so that its reply,
    /// handed back to the loop from another thread, finds the loop awake instead of having to wake it.
    func awaitingReply() { keepPolling(for: window * 10) }

    private func keepPolling(for span: TimeAmount) {
        loop.assertInEventLoop()
        let now = NIODeadline.now()
        deadline = max(deadline, now + span)
        guard !polling, now >= pausedUntil else { return }
        polling = true
        loop.execute { self.poll() }
    }

    /// One look per task, so tasks other threads hand to the loop meanwhile run in between. Between looks the
    /// CPU is offered to any other runnable thread; if one took it, the machine is busy enough that polling
    /// would take time from clients (the wake-up it saves is cheap then), so polling pauses for a while.
    private func poll() {
        if sv_readiness_any(readinessFD) != 0 || .now() >= deadline {
            polling = false
            return
        }
        let offered = NIODeadline.now()
        sched_yield()
        let now = NIODeadline.now()
        if now - offered > Self.contended {
            polling = false
            pausedUntil = now + Self.pause
            return
        }
        loop.execute { self.poll() }
    }
}
