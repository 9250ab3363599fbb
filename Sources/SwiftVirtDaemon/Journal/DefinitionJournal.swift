import CSwiftVirtSys
import FoundationEssentials
import Glibc
import Logging
import SwiftVirtSystem
import Synchronization

/// Makes define/undefine durable with one data flush: each change is appended to `STATE/qemu/journal`
/// (layout in `DefinitionJournalFormat`) and `fdatasync`ed before the call returns. The per-domain files
/// `STATE/qemu/NAME.xml`, which people and tools read, are brought up to date afterwards by a background
/// checkpoint (temp file and rename each, then one `syncfs`); once a checkpoint has made every journalled
/// change durable in those files and nothing was appended meanwhile, the journal is reset by moving to a new
/// epoch. At startup `open()` replays the journal over the files before anything reads them.
/// Blocking: `open`, `append` and `checkpoint` flush, so callers run them inside `BlockingIO.run`; background
/// checkpoints wait for a quiet moment on a task (no thread held) and then flush on the blocking executor too.
final class DefinitionJournal: Sendable {
    enum JournalError: Error, CustomStringConvertible {
        case io(path: String, step: String, errno: Int32)
        case recordTooLarge(name: String, bytes: Int)
        /// A reset's header write failed, so which epoch is on disk is unknown: no further appends.
        case unusable(String)

        var description: String {
            switch self {
            case .io(let path, let step, let errno):
                return "cannot \(step) '\(path)': \(String(cString: strerror(errno)))"
            case .recordTooLarge(let name, let bytes):
                return "definition of '\(name)' (\(bytes) bytes) does not fit the definition journal"
            case .unusable(let why): return "definition journal unusable: \(why)"
            }
        }
    }

    /// What a checkpoint must still write for one name.
    enum PendingConfig: Equatable, Sendable {
        case xml(String)
        case removed
    }

    private struct State {
        var fd: Int32 = -1
        var epoch: UInt64 = 0
        var end = DefinitionJournalFormat.recordsStart
        var sequence: UInt64 = 0
        var pending: [String: PendingConfig] = [:]
        var lastAppend: UInt64 = 0
        var checkpointScheduled = false
        var failure: String?
    }

    let path: String
    let configDir: String
    let capacity: Int
    /// Quiet time after the last append before a background checkpoint starts, so a burst of defines does not
    /// compete with checkpoint flushes. Nil: no background checkpoints (tests call `checkpoint()` themselves).
    let idleDelayNanoseconds: UInt64?
    private let logger: Logger
    private let state = Mutex(State())
    /// Serialises checkpoints (background and the synchronous one of a full journal).
    private let checkpointGate = Mutex(())

    init(configDir: String, capacity: Int = 4 << 20, idleDelayNanoseconds: UInt64? = 2_000_000_000, logger: Logger) {
        self.configDir = configDir
        self.path = configDir + "/journal"
        self.capacity = capacity
        self.idleDelayNanoseconds = idleDelayNanoseconds
        self.logger = logger
    }

    deinit {
        state.withLock { s in if s.fd >= 0 { close(s.fd) } }
    }

    // MARK: startup

    /// Opens (creating if needed) the journal and applies what it holds to the config files, durably.
    /// Must run before the config files are read.
    func open() throws {
        if access(path, F_OK) != 0 { try create() }
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.io(path: path, step: "open", errno: errno) }
        // Read only as much as the records need (usually one small read: the journal is mostly empty), so
        // startup does not allocate and touch the whole capacity.
        var length = min(capacity, 1 << 16)
        var bytes: [UInt8]
        var size: Int
        var epoch: UInt64?
        var records: [DefinitionJournalRecord]
        while true {
            bytes = [UInt8](repeating: 0, count: length)
            do { size = try Self.preadAll(fd, into: &bytes, path: path) } catch {
                close(fd)
                throw error
            }
            epoch = DefinitionJournalFormat.decodeHeader(bytes[...])
            // No valid header: the journal was being reset, which happens only once the config files hold all
            // it has. Its records are ignored, and it is replaced below since their epochs are unknown.
            guard let epoch else {
                records = []
                break
            }
            let decoded = DefinitionJournalFormat.decodeRecords(bytes, epoch: epoch)
            records = decoded.records
            if length >= min(capacity, size) || !DefinitionJournalFormat.mayContinue(bytes, at: decoded.end) { break }
            length = min(capacity, length * 4)
        }
        bytes = []
        state.withLock { s in
            s.fd = fd
            s.epoch = epoch ?? 0
            for record in records { s.pending[record.name] = Self.pending(record) }
        }
        if !records.isEmpty {
            logger.notice("replaying \(records.count) definition journal record(s) into \(configDir)")
        }
        try checkpoint()
        if epoch == nil || size != capacity {
            // Everything is in the config files now: start over with a fresh journal of the right size.
            state.withLock { s in
                close(s.fd)
                s.fd = -1
            }
            try create()
            try open()
            return
        }
        if !records.isEmpty { try state.withLock { s in try reset(&s) } }
    }

    /// A full-size journal of real zeros (so later overwrites need no block allocation) with a header,
    /// made durable under its final name in one rename.
    private func create() throws {
        let tmp = configDir + "/.journal.tmp"
        let fd = Glibc.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError.io(path: tmp, step: "create", errno: errno) }
        defer { close(fd) }
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        while offset < capacity {
            let chunk = min(zeros.count, capacity - offset)
            try Self.pwriteAll(fd, zeros[0..<chunk], at: offset, path: tmp)
            offset += chunk
        }
        try Self.pwriteAll(fd, DefinitionJournalFormat.encodeHeader(epoch: 1)[...], at: 0, path: tmp)
        guard fsync(fd) == 0 else { throw JournalError.io(path: tmp, step: "fsync", errno: errno) }
        guard rename(tmp, path) == 0 else { throw JournalError.io(path: path, step: "rename into place", errno: errno) }
        AtomicFile.syncDirectory(configDir)
    }

    // MARK: appending

    /// Returns once the change would survive a crash or power cut.
    func append(_ record: DefinitionJournalRecord) throws {
        for attempt in 0..<2 {
            let appended = try state.withLock { s -> Bool in
                if let failure = s.failure { throw JournalError.unusable(failure) }
                let bytes = DefinitionJournalFormat.encode(record, epoch: s.epoch)
                guard s.end + bytes.count <= capacity else {
                    if attempt > 0 { throw JournalError.recordTooLarge(name: record.name, bytes: bytes.count) }
                    return false
                }
                try Self.pwriteAll(s.fd, bytes[...], at: s.end, path: path)
                guard fdatasync(s.fd) == 0 else { throw JournalError.io(path: path, step: "fdatasync", errno: errno) }
                s.end += bytes.count
                s.sequence += 1
                s.pending[record.name] = Self.pending(record)
                s.lastAppend = Self.now()
                return true
            }
            if appended {
                scheduleCheckpoint()
                return
            }
            try checkpoint()  // full: make the files current and start a new epoch, then retry once
        }
    }

    // MARK: checkpoints

    /// Writes every pending config durably; resets the journal if nothing was appended meanwhile.
    func checkpoint() throws {
        try checkpointGate.withLock { _ in
            let (snapshot, sequence) = state.withLock { s in
                defer { s.pending = [:] }
                return (s.pending, s.sequence)
            }
            do {
                try writeConfigs(snapshot)
            } catch {
                state.withLock { s in
                    for (name, change) in snapshot where s.pending[name] == nil { s.pending[name] = change }
                }
                throw error
            }
            try state.withLock { s in
                if s.sequence == sequence && s.end > DefinitionJournalFormat.recordsStart { try reset(&s) }
            }
        }
    }

    /// Names whose config file is not yet known durable (for tests and diagnostics).
    var pendingNames: Set<String> { state.withLock { Set($0.pending.keys) } }

    private func reset(_ s: inout State) throws {
        let next = s.epoch + 1
        do {
            try Self.pwriteAll(s.fd, DefinitionJournalFormat.encodeHeader(epoch: next)[...], at: 0, path: path)
            guard fdatasync(s.fd) == 0 else { throw JournalError.io(path: path, step: "fdatasync", errno: errno) }
        } catch {
            s.failure = "header write failed (\(error)); restart the daemon"
            throw error
        }
        s.epoch = next
        s.end = DefinitionJournalFormat.recordsStart
    }

    /// Each file is written to a temp name and renamed into place (so readers never see half a file), without
    /// its own fsync; then one `syncfs` makes all of them, and the renames and removals, durable. Per-file
    /// fsyncs would cost one device flush per domain (~4 ms each here), 2 s for 500 domains, competing with
    /// foreground flushes. Until `syncfs` returns, the journal still holds every change, so a crash in
    /// between only means the replay writes these files again.
    private func writeConfigs(_ changes: [String: PendingConfig]) throws {
        guard !changes.isEmpty else { return }
        for (name, change) in changes {
            let final = configDir + "/" + name + ".xml"
            guard case .xml(let xml) = change else {
                if unlink(final) != 0 && errno != ENOENT {
                    throw JournalError.io(path: final, step: "remove", errno: errno)
                }
                continue
            }
            let tmp = configDir + "/." + name + ".xml.checkpoint"
            let fd = Glibc.open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw JournalError.io(path: tmp, step: "create", errno: errno) }
            defer { close(fd) }
            try Self.pwriteAll(fd, Array(xml.utf8)[...], at: 0, path: tmp)
            guard rename(tmp, final) == 0 else {
                throw JournalError.io(path: final, step: "rename into place", errno: errno)
            }
        }
        let dfd = Glibc.open(configDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw JournalError.io(path: configDir, step: "open", errno: errno) }
        defer { close(dfd) }
        guard sv_syncfs(dfd) == 0 else { throw JournalError.io(path: configDir, step: "syncfs", errno: errno) }
    }

    private func scheduleCheckpoint() {
        guard let idle = idleDelayNanoseconds else { return }
        let start = state.withLock { s -> Bool in
            defer { s.checkpointScheduled = true }
            return !s.checkpointScheduled
        }
        guard start else { return }
        Task { await backgroundCheckpoints(idle: idle) }
    }

    /// Runs until the journal is empty again: sleeps until appends have paused for `idle`, then checkpoints.
    private func backgroundCheckpoints(idle: UInt64) async {
        var delay = idle
        while true {
            // Wait for a quiet moment.
            while true {
                let quietFor = Self.now() &- state.withLock { $0.lastAppend }
                if quietFor >= delay { break }
                try? await Task.sleep(nanoseconds: min(delay - quietFor, 1_000_000_000))
            }
            do {
                try await BlockingIO.run { try self.checkpoint() }
                delay = idle
            } catch {
                logger.error("definition journal checkpoint failed (will retry): \(error)")
                delay = min(delay * 2, 30_000_000_000)
                state.withLock { $0.lastAppend = Self.now() }
            }
            let done = state.withLock { s -> Bool in
                let done = s.pending.isEmpty && (s.end == DefinitionJournalFormat.recordsStart || s.failure != nil)
                if done { s.checkpointScheduled = false }
                return done
            }
            if done { return }
        }
    }

    // MARK: helpers

    private static func pending(_ record: DefinitionJournalRecord) -> PendingConfig {
        switch record {
        case .define(_, let xml): return .xml(xml)
        case .undefine: return .removed
        }
    }

    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    private static func pwriteAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, at offset: Int, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(path: path, step: "write", errno: errno)
            }
            done += n
        }
    }

    /// Reads from offset 0 until `buffer` is full or the file ends; returns the file's size as read.
    private static func preadAll(_ fd: Int32, into buffer: inout [UInt8], path: String) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, raw.count - done, off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(path: path, step: "read", errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        var st = stat()
        return fstat(fd, &st) == 0 ? Int(st.st_size) : done
    }
}
