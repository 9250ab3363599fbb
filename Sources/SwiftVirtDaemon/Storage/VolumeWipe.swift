import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// vol-wipe as libvirt 9.0 does it on a directory pool, whatever the image format (so a wiped qcow2 is no
/// longer a qcow2 image, as with libvirt):
/// - `zero`: a sparse file is truncated to 0 and re-extended to its size; any other file gets zeros written
///   from offset 0 over its allocation (blocks × 512), in chunks of the filesystem's block size, then synced.
/// - the scrub patterns (nnsa … random) run `scrub -f -p PATTERN FILE`; without scrub installed the call
///   fails like libvirt's ("Cannot find 'scrub' in path").
/// - `trim` is refused as unsupported, as libvirt does for files.
enum VolumeWipe {
    /// virStorageVolWipeAlgorithm, in wire order.
    enum Algorithm: UInt32, Sendable, CaseIterable {
        case zero = 0, nnsa, dod, bsi, gutmann, schneier, pfitzner7, pfitzner33, random, trim

        static func from(wire value: UInt32) throws -> Algorithm {
            guard let algorithm = Algorithm(rawValue: value) else {
                throw VirtError(
                    .invalidArg, domain: .storage, detail: "wiping algorithm \(value) not supported")
            }
            return algorithm
        }

        /// scrub's name for the pattern (`scrub -p NAME`).
        var scrubPattern: String { String(describing: self) }
    }

    static func wipe(_ path: String, algorithm: Algorithm) async throws {
        switch algorithm {
        case .trim:
            throw VirtError(
                .argumentUnsupported, domain: .storage, detail: "'trim' algorithm not supported")
        case .zero:
            try await BlockingIO.run { try zeroFill(path) }
        default:
            guard let scrub = findInPath("scrub") else {
                throw VirtError(
                    .systemError, domain: .none, detail: "Cannot find 'scrub' in path: No such file or directory")
            }
            let status = try await BlockingIO.run { try runScrub(scrub, algorithm.scrubPattern, path) }
            guard status == 0 else {
                throw StorageError.io("\(scrub) -f -p \(algorithm.scrubPattern) '\(path)' exited with status \(status)")
            }
        }
    }

    /// Blocking (large volumes take long to overwrite): runs on the blocking executor.
    private static func zeroFill(_ path: String) throws {
        let fd = open(path, O_RDWR)
        guard fd >= 0 else { throw StorageError.io("cannot open '\(path)' to wipe it: \(DirPool.errnoText())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.io("cannot stat '\(path)': \(DirPool.errnoText())") }
        let isRegular = (st.st_mode & S_IFMT) == S_IFREG
        if isRegular && Int64(st.st_blocks) < Int64(st.st_size) / 512 {
            guard ftruncate(fd, 0) == 0, ftruncate(fd, st.st_size) == 0 else {
                throw StorageError.io("cannot truncate '\(path)' to wipe it: \(DirPool.errnoText())")
            }
            return
        }
        let chunk = max(Int(st.st_blksize), 4096)
        let zeros = [UInt8](repeating: 0, count: chunk)
        var remaining = UInt64(st.st_blocks) * 512
        while remaining > 0 {
            let size = Int(min(UInt64(chunk), remaining))
            let written = zeros.withUnsafeBytes { write(fd, $0.baseAddress, size) }
            if written < 0 {
                if errno == EINTR { continue }
                throw StorageError.io("cannot write zeros to '\(path)': \(DirPool.errnoText())")
            }
            remaining -= UInt64(written)
        }
        guard fdatasync(fd) == 0 else { throw StorageError.io("cannot sync '\(path)': \(DirPool.errnoText())") }
    }

    private static func findInPath(_ tool: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(tool)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func runScrub(_ scrub: String, _ pattern: String, _ path: String) throws -> Int32 {
        try ChildProcess.run(scrub, ["-f", "-p", pattern, path]).status
    }
}
