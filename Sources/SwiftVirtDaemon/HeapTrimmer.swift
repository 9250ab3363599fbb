import CSwiftVirtSys
import Synchronization

/// Hands memory that glibc's malloc keeps after it was freed back to the kernel, shortly after a burst of
/// changes. Parsing a definition allocates and frees many small XML nodes; without a trim the freed pages
/// between live records stay resident for good.
final class HeapTrimmer: Sendable {
    private let pending = Atomic<Bool>(false)
    private let delay: Duration

    init(delay: Duration = .milliseconds(50)) { self.delay = delay }

    /// At most one trim is waiting at a time; calls during the wait fold into it.
    func schedule() {
        if pending.exchange(true, ordering: .acquiringAndReleasing) { return }
        let delay = delay
        Task.detached(priority: .background) { [self] in
            try? await Task.sleep(for: delay)
            pending.store(false, ordering: .releasing)
            _ = sv_malloc_trim()
        }
    }
}
