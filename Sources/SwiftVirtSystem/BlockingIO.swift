import NIOPosix

/// The one executor for blocking work (see ConcurrencyRule.swift): child processes run to completion
/// (`ip`, `nft`, `dnsmasq`, `qemu-img`, `scrub`), `fsync`/`fdatasync`/`syncfs`, and whole-file I/O (wipes,
/// raw file allocation). Its threads may block; the cooperative pool's threads and the event loops may not.
///
/// One `NIOThreadPool` of `threadCount` threads serves the whole process, first come first served. Work, once
/// submitted, always runs to its end: cancelling the awaiting task does not stop it (an undo step or a flush
/// must not be skipped half-way), the task just gets the result later.
public enum BlockingIO {
    /// Enough that a long job (a wipe, an image conversion) does not hold up a network start or a define's
    /// flush; few enough that a burst cannot spawn a thread per request. More long jobs than this queue.
    public static let threadCount = 4

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()

    /// Runs `work` on the blocking executor and returns its result (or throws its error).
    public static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T
    {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            // The pool is never stopped, so the work item is always `.active`; were it stopped, running the
            // work on the submitting thread is still better than dropping it.
            pool.submit { _ in continuation.resume(returning: Result { () throws(E) -> T in try work() }) }
        }
        return try result.get()
    }
}
