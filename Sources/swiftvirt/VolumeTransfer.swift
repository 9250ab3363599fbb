import SwiftVirtClient
import SwiftVirtWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// vol-upload / vol-download: the file moves in 256 KiB chunks (libvirt's stream packet size), so memory use
/// does not grow with the volume.
enum VolumeTransfer {
    static let chunk = 256 * 1024

    static func upload(
        file: String, to vol: RemoteNonnullStorageVol, offset: UInt64, length: UInt64, conn: VirtConnection
    ) async throws {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CommandFailure(message: "cannot open '\(file)': \(errnoText())") }
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 ? UInt64(st.st_size) : 0
        let total = length > 0 ? min(length, size) : size
        let stream = try await conn.openUpload(vol, offset: offset, length: length)
        var progress = TransferProgress(verb: "Uploaded", total: total)
        var buffer = [UInt8](repeating: 0, count: chunk)
        var sent: UInt64 = 0
        do {
            while length == 0 || sent < length {
                let want = length == 0 ? chunk : Int(min(UInt64(chunk), length - sent))
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CommandFailure(message: "cannot read '\(file)': \(errnoText())")
                }
                if n == 0 { break }
                try await stream.write(Array(buffer.prefix(n)))
                sent += UInt64(n)
                progress.advance(to: sent)
            }
            try await stream.finishAndWait()
        } catch {
            stream.abort()
            progress.interrupted()
            throw error
        }
        progress.complete()
    }

    static func download(
        _ vol: RemoteNonnullStorageVol, to file: String, offset: UInt64, length: UInt64, sparse: Bool = false,
        conn: VirtConnection
    ) async throws {
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw CommandFailure(message: "cannot create '\(file)': \(errnoText())") }
        defer { close(fd) }
        // The volume's capacity is the best estimate of the byte count before the data arrives.
        let capacity = (try? await conn.info(vol).capacity) ?? 0
        let estimate = capacity > offset ? capacity - offset : 0
        var progress = TransferProgress(verb: "Downloaded", total: length > 0 ? min(length, estimate) : estimate)
        let stream = try await conn.openDownload(vol, offset: offset, length: length, sparse: sparse)
        var received: UInt64 = 0
        var output = SparseFileWriter(fd: fd, file: file)
        do {
            for try await chunk in stream.chunks {
                switch chunk {
                case .data(let bytes):
                    try output.write(bytes)
                    received += UInt64(bytes.count)
                case .hole(let length):
                    try output.skip(length)
                    received += length
                }
                progress.advance(to: received)
            }
            try output.finish()
        } catch {
            stream.abort()
            progress.interrupted()
            throw error
        }
        guard fsync(fd) == 0 || errno == EINVAL else {
            throw CommandFailure(message: "cannot sync '\(file)': \(errnoText())")
        }
        progress.complete()
    }

    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, file: String) throws(CommandFailure) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CommandFailure(message: "cannot write '\(file)': \(errnoText())")
            }
            done += n
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A progress bar on stderr when stderr is a terminal (redrawn at most ten times a second), and one plain
/// summary line at the end either way.
struct TransferProgress {
    let verb: String
    let total: UInt64
    let interactive = isatty(2) == 1
    let started = ContinuousClock.now
    var lastDraw = ContinuousClock.now
    var done: UInt64 = 0

    init(verb: String, total: UInt64) {
        self.verb = verb
        self.total = total
    }

    mutating func advance(to bytes: UInt64) {
        done = bytes
        guard interactive, ContinuousClock.now - lastDraw >= .milliseconds(100) else { return }
        lastDraw = ContinuousClock.now
        FileHandleWriter.writeToStandardError("\r" + bar() + "\u{1B}[K")
    }

    func complete() {
        if interactive { FileHandleWriter.writeToStandardError("\r\u{1B}[K") }
        let seconds = elapsedSeconds
        FileHandleWriter.writeToStandardError(
            "\(verb) \(StorageListing.capacity(done)) (\(done) bytes) in \(format(seconds, digits: 1)) s, "
                + "\(StorageListing.capacity(rate))/s\n")
    }

    func interrupted() {
        if interactive { FileHandleWriter.writeToStandardError("\n") }
    }

    private var elapsedSeconds: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private var rate: UInt64 {
        let s = elapsedSeconds
        return s > 0 ? UInt64(Double(done) / s) : 0
    }

    private func bar() -> String {
        let amounts = "\(StorageListing.capacity(done)) / \(StorageListing.capacity(max(total, done)))"
        let speed = "\(StorageListing.capacity(rate))/s"
        guard total > 0, done <= total else { return "\(amounts)  \(speed)" }
        let width = 30
        let filled = Int(Double(done) / Double(total) * Double(width))
        let percent = Int(Double(done) * 100 / Double(total))
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
            + "\(percent)%  \(amounts)  \(speed)"
    }

    private func format(_ value: Double, digits: Int) -> String {
        let scale = digits == 1 ? 10.0 : 100.0
        let scaled = Int64((value * scale).rounded())
        return "\(scaled / Int64(scale)).\(scaled % Int64(scale))"
    }
}
