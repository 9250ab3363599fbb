import CSwiftVirtSys
import Synchronization

/// Hands memory that glibc's malloc keeps after it was freed back to the kernel, shortly after a burst of
/// changes. Parsing a definition allocates and frees many small XML nodes; without a trim the freed pages
/// between live records stay resident for good.
final class HeapTrimmer: Sendable {
    private let pending = Atomic<Bool>(false)
    private let changes = Atomic<UInt64>(0)
    private let quiet: Duration
    private let longest: Duration

    /// Trims once `quiet` has passed without a change, and at the latest `longest` after the first change.
    init(quiet: Duration = .milliseconds(50), longest: Duration = .seconds(2)) {
        self.quiet = quiet
        self.longest = longest
    }

    /// At most one trim is waiting at a time; changes during the wait fold into it and push it back, because
    /// malloc_trim holds the heap's lock while it walks the heap and would stall a burst of defines each time.
    func schedule() {
        changes.wrappingAdd(1, ordering: .relaxed)
        if pending.exchange(true, ordering: .acquiringAndReleasing) { return }
        Task.detached(priority: .background) { [self] in
            let start = ContinuousClock.now
            var seen = changes.load(ordering: .relaxed)
            while true {
                try? await Task.sleep(for: quiet)
                let now = changes.load(ordering: .relaxed)
                if now == seen || ContinuousClock.now - start >= longest { break }
                seen = now
            }
            pending.store(false, ordering: .releasing)
            _ = sv_malloc_trim()
        }
    }
}
