import CSwiftVirtSys
import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem
import SwiftVirtWire
import Synchronization

/// One vol-upload or vol-download: file bytes carried as libvirt stream packets with the call's serial.
/// Upload writes each packet at once as it arrives (the connection reads no further meanwhile, which is the
/// back-pressure); download reads 256 KiB at a time and waits while the socket is behind. Sparse mode
/// (flag 1) turns runs of unallocated file into STREAM_HOLE packets instead of zeros, both ways.
final class VolumeStream: Sendable {
    static let chunk = 256 * 1024
    static let maxQueued = 4 * 1024 * 1024
    /// lseek whence values of Linux (<unistd.h> exposes them only under _GNU_SOURCE).
    static let seekData: Int32 = 3
    static let seekHole: Int32 = 4

    private struct State {
        var offset: Int64
        /// Bytes still allowed; nil means up to the end of the file.
        var remaining: UInt64?
        var failed = false
        var done = false
        /// An upload's final flush is running: the descriptor stays open until it ends, whatever the client does.
        var flushing = false
        var task: Task<Void, Never>?
    }

    let ref: VolumeRef
    private let fd: Int32
    private let upload: Bool
    private let sparse: Bool
    private let header: PacketHeader
    private let session: ConnectionSession
    private let storage: StoragePoolRegistry
    private let state: Mutex<State>

    private init(
        ref: VolumeRef, fd: Int32, args: some VolumeTransferArguments, upload: Bool, header: PacketHeader,
        session: ConnectionSession, storage: StoragePoolRegistry
    ) {
        self.ref = ref
        self.fd = fd
        self.upload = upload
        self.sparse = args.flags & 1 != 0
        var h = header
        h.type = .stream
        h.status = .continue
        self.header = h
        self.session = session
        self.storage = storage
        self.state = Mutex(State(offset: Int64(args.offset), remaining: args.length == 0 ? nil : args.length))
    }

    static func register<P: WireProcedure>(_ procedure: P.Type, upload: Bool, into table: inout RouteTable)
    where P.Args: VolumeTransferArguments {
        let api = P.info.api
        table.raw(procedure) { payload, ctx in
            let args = try Route.arguments(of: P.self, payload)
            try checkFlags(args.flags, allowed: 1, api)
            let ref = try await ctx.storage.volume(pool: args.vol.pool, name: args.vol.name)
            try await ctx.storage.claim(ref)
            let fd = open(ref.path, (upload ? O_WRONLY : O_RDONLY) | O_CLOEXEC)
            guard fd >= 0 else {
                let text = DirPool.errnoText()
                await ctx.storage.release(ref)
                throw StorageError.io("cannot open volume '\(ref.path)': \(text)")
            }
            let stream = VolumeStream(
                ref: ref, fd: fd, args: args, upload: upload, header: ctx.header, session: ctx.session,
                storage: ctx.storage)
            ctx.session.with { $0.volumeStreams[ctx.header.serial] = stream }
            ctx.session.sendReply(to: ctx.header, payload: [])
            if !upload {
                let task = Task { await stream.sendAll() }
                stream.state.withLock { $0.task = task }
            }
            return nil
        }
    }

    // MARK: client → daemon

    func clientPacket(_ packet: Packet) {
        switch packet.header.status {
        case .continue:
            guard upload, !state.withLock({ $0.failed || $0.done }) else { return }
            do {
                if packet.header.type == .streamHole {
                    let hole = try StreamHole(xdrBytes: packet.payload)
                    try skip(hole.length)
                } else {
                    try write(packet.payload)
                }
            } catch {
                fail(error)
            }
        case .ok:
            guard upload else { return finish(acknowledge: true) }
            let (end, flush) = state.withLock { s in
                defer { s.flushing = !s.failed }
                return (s.offset, !s.failed)
            }
            guard flush else { return finish(acknowledge: true) }
            // Make the file as long as the data and holes sent, then durable, before the client hears OK. fsync
            // of a large upload takes long, so it runs on the blocking executor, not on the connection's task.
            let (fd, path) = (fd, ref.path)
            Task {
                let failure = await BlockingIO.run { () -> String? in
                    var st = stat()
                    if fstat(fd, &st) == 0 && st.st_size < end { _ = ftruncate(fd, off_t(end)) }
                    return fsync(fd) == 0 ? nil : "cannot sync '\(path)': \(DirPool.errnoText())"
                }
                if let failure { fail(StorageError.io(failure)) }
                finish(acknowledge: true, afterFlush: true)
            }
        case .error:
            finish(acknowledge: true)
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        let offset = try reserve(UInt64(bytes.count))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.io("cannot write to '\(ref.path)': \(DirPool.errnoText())")
            }
            done += n
        }
    }

    /// A hole from the client: the range reads as zeros afterwards without being written.
    private func skip(_ length: Int64) throws {
        guard length >= 0 else { throw StorageError.invalid("negative stream hole length") }
        let offset = try reserve(UInt64(length))
        // Past the end of the file a hole costs nothing (finish extends the file sparsely); over existing
        // content the old bytes must read as zeros: the range is deallocated where the filesystem can punch
        // holes, else written with zeros. (libvirt 9.0 leaves the old bytes there.)
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.io("cannot stat '\(ref.path)': \(DirPool.errnoText())") }
        var at = offset
        let end = min(offset + length, Int64(st.st_size))
        if at < end {
            let punched = sv_punch_hole(fd, at, end - at)
            if punched == 0 { return }
            guard punched == -EOPNOTSUPP || punched == -ENOSYS else {
                throw StorageError.io("cannot punch a hole in '\(ref.path)': \(String(cString: strerror(-punched)))")
            }
        }
        let zeros = [UInt8](repeating: 0, count: Self.chunk)
        while at < end {
            let n = min(Int(end - at), zeros.count)
            let written = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress!, n, off_t(at)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw StorageError.io("cannot write to '\(ref.path)': \(DirPool.errnoText())")
            }
            at += Int64(written)
        }
    }

    /// Advances the offset by `count`, refusing to pass the length the call asked for.
    private func reserve(_ count: UInt64) throws -> Int64 {
        try state.withLock { s in
            if let remaining = s.remaining {
                guard count <= remaining else {
                    throw StorageError.invalid("stream sent more than the requested \(remaining) bytes")
                }
                s.remaining = remaining - count
            }
            let at = s.offset
            s.offset += Int64(count)
            return at
        }
    }

    // MARK: daemon → client

    private func sendAll() async {
        do {
            while true {
                while session.pendingOutputBytes > Self.maxQueued {
                    if state.withLock({ $0.done }) { return }
                    try await Task.sleep(for: .milliseconds(2))
                }
                if Task.isCancelled || state.withLock({ $0.done }) { return }
                guard let step = try nextStep() else { break }
                switch step {
                case .data(let bytes):
                    session.send(Packet(header: header, payload: bytes))
                case .hole(let length):
                    var h = header
                    h.type = .streamHole
                    session.send(Packet(header: h, payload: StreamHole(length: length, flags: 0).xdrBytes()))
                }
            }
            // End of data: an empty packet; the client answers with its finish.
            session.send(Packet(header: header, payload: []))
        } catch is CancellationError {
            return
        } catch {
            fail(error)
        }
    }

    private enum Step {
        case data([UInt8])
        case hole(Int64)
    }

    private func nextStep() throws -> Step? {
        let (offset, remaining) = state.withLock { ($0.offset, $0.remaining) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.io("cannot stat '\(ref.path)': \(DirPool.errnoText())") }
        var limit = Int64(st.st_size) - offset
        if let remaining { limit = min(limit, Int64(remaining)) }
        guard limit > 0 else { return nil }
        var want = min(limit, Int64(Self.chunk))
        if sparse {
            let data = lseek(fd, off_t(offset), Self.seekData)
            if data < 0 || data > offset {
                // A hole up to the next data (or to the end of the file).
                let length = min(limit, data < 0 ? limit : Int64(data) - offset)
                _ = try reserve(UInt64(length))
                return .hole(length)
            }
            let holeStart = lseek(fd, off_t(offset), Self.seekHole)
            if holeStart > offset { want = min(want, Int64(holeStart) - offset) }
        }
        var buffer = [UInt8](repeating: 0, count: Int(want))
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, Int(want), off_t(offset)) }
        guard n > 0 else {
            if n == 0 { return nil }
            throw StorageError.io("cannot read '\(ref.path)': \(DirPool.errnoText())")
        }
        buffer.removeLast(Int(want) - n)
        _ = try reserve(UInt64(n))
        return .data(buffer)
    }

    // MARK: ending

    /// A failure is reported once as a STREAM packet with status ERROR; the client then finishes or aborts.
    private func fail(_ error: any Error) {
        let first = state.withLock { s -> Bool in
            defer { s.failed = true }
            return !s.failed
        }
        guard first else { return }
        var h = header
        h.status = .error
        session.send(Packet(header: h, payload: ConnectionSession.encode(error.asVirtError)))
    }

    /// Closes the stream once. While an upload's flush runs only the flush itself may close it: the descriptor
    /// must stay open (and its number unused) until `fsync` returns.
    private func finish(acknowledge: Bool, afterFlush: Bool = false) {
        let (wasDone, task) = state.withLock { s -> (Bool, Task<Void, Never>?) in
            if s.flushing && !afterFlush { return (true, nil) }
            defer { s.done = true }
            return (s.done, s.task)
        }
        guard !wasDone else { return }
        task?.cancel()
        close(fd)
        let serial = header.serial
        session.with { _ = $0.volumeStreams.removeValue(forKey: serial) }
        if acknowledge {
            var h = header
            h.status = .ok
            session.send(Packet(header: h, payload: []))
        }
        let storage = storage
        let ref = ref
        Task { await storage.release(ref) }
    }

    /// The connection went away mid-transfer.
    func abandon() { finish(acknowledge: false) }
}

/// vol-upload and vol-download take the same arguments (`remote_storage_vol_upload_args` and `_download_args`).
protocol VolumeTransferArguments: Sendable {
    var vol: RemoteNonnullStorageVol { get }
    var offset: UInt64 { get }
    var length: UInt64 { get }
    var flags: UInt32 { get }
}
extension StorageVolUploadArgs: VolumeTransferArguments {}
extension StorageVolDownloadArgs: VolumeTransferArguments {}
