#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a downloaded volume so that its runs of zeros become holes: into a regular file, every all-zero
/// 4 KiB block is skipped with lseek instead of written, and `finish` sets the final size (a trailing hole
/// would otherwise be lost). Into anything else (a pipe, a terminal, a device) every byte is written.
struct SparseFileWriter {
    static let block = 4096
    let fd: Int32
    let file: String
    let seekable: Bool
    /// Bytes of the output so far, holes included.
    private(set) var position: Int64 = 0

    init(fd: Int32, file: String) {
        self.fd = fd
        self.file = file
        var st = stat()
        seekable = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    mutating func write(_ bytes: [UInt8]) throws(CommandFailure) {
        guard seekable else {
            try VolumeTransfer.writeAll(fd, bytes[...], file: file)
            position += Int64(bytes.count)
            return
        }
        var start = 0
        while start < bytes.count {
            let end = min(start + Self.block, bytes.count)
            let zero = Self.isZero(bytes[start..<end])
            // Extend the run while blocks keep the same kind, so each run costs one syscall.
            var runEnd = end
            while runEnd < bytes.count {
                let next = min(runEnd + Self.block, bytes.count)
                guard Self.isZero(bytes[runEnd..<next]) == zero else { break }
                runEnd = next
            }
            if zero {
                guard lseek(fd, off_t(runEnd - start), SEEK_CUR) >= 0 else {
                    throw CommandFailure(message: "cannot seek in '\(file)': \(VolumeTransfer.errnoText())")
                }
            } else {
                try VolumeTransfer.writeAll(fd, bytes[start..<runEnd], file: file)
            }
            position += Int64(runEnd - start)
            start = runEnd
        }
    }

    /// A hole the daemon reported (sparse streams): seeked over in a file, written as zeros elsewhere.
    mutating func skip(_ length: UInt64) throws(CommandFailure) {
        guard seekable else {
            var left = length
            let zeros = [UInt8](repeating: 0, count: 256 * 1024)
            while left > 0 {
                let n = Int(min(left, UInt64(zeros.count)))
                try VolumeTransfer.writeAll(fd, zeros[..<n], file: file)
                left -= UInt64(n)
            }
            position += Int64(length)
            return
        }
        guard lseek(fd, off_t(length), SEEK_CUR) >= 0 else {
            throw CommandFailure(message: "cannot seek in '\(file)': \(VolumeTransfer.errnoText())")
        }
        position += Int64(length)
    }

    /// Gives the file its full length when it ends in a hole.
    func finish() throws(CommandFailure) {
        guard seekable else { return }
        guard ftruncate(fd, off_t(position)) == 0 else {
            throw CommandFailure(message: "cannot set the size of '\(file)': \(VolumeTransfer.errnoText())")
        }
    }

    private static func isZero(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in
            // Word-wise: a volume is mostly megabytes of either data or zeros.
            guard let base = raw.baseAddress else { return true }
            let words = raw.count / 8
            for i in 0..<words where base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) != 0 { return false }
            for i in (words * 8)..<raw.count where raw[i] != 0 { return false }
            return true
        }
    }
}
