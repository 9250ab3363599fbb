import Foundation
import SwiftVirtCore
import Synchronization

/// Runs `qemu-img`, the one tool that reads and writes image formats. Each call is a child process whose
/// wait happens on a dispatch thread, so a long conversion never holds a Swift concurrency thread.
enum QemuImg {
    static let executable = "/usr/bin/qemu-img"

    /// What `qemu-img info --output=json` says about an image; the format comes from its header.
    struct Info: Sendable, Equatable {
        var format: VolumeFormat?
        var formatName: String
        var virtualSize: UInt64
        var backingFile: String?
        var backingFormat: VolumeFormat?
        var compat: String?
        var lazyRefcounts = false
    }

    struct Failure: Error, LibvirtMappable {
        var command: String
        var output: String
        var virtError: VirtError {
            VirtError(.operationFailed, domain: .storage, "operation failed: \(command): \(output)")
        }
    }

    static func run(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<String, any Error>) in
            DispatchQueue.global().async {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: executable)
                p.arguments = arguments
                let out = Pipe()
                let err = Pipe()
                p.standardOutput = out
                p.standardError = err
                p.standardInput = FileHandle.nullDevice
                do {
                    try p.run()
                } catch {
                    cont.resume(throwing: Failure(command: "qemu-img", output: "\(error)"))
                    return
                }
                // Drain stderr concurrently so a chatty child cannot block on a full pipe.
                let errData = Mutex(Data())
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    let data = err.fileHandleForReading.readDataToEndOfFile()
                    errData.withLock { $0 = data }
                    group.leave()
                }
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                p.waitUntilExit()
                if p.terminationStatus == 0 {
                    cont.resume(returning: String(decoding: outData, as: UTF8.self))
                } else {
                    let message = String(decoding: errData.withLock { $0 }, as: UTF8.self).trimmingCharacters(
                        in: .whitespacesAndNewlines)
                    cont.resume(
                        throwing: Failure(command: "qemu-img \(arguments.first ?? "")", output: message))
                }
            }
        }
    }

    /// Reads the header; `-U` so that images a running guest holds open can still be inspected.
    static func info(_ path: String) async throws -> Info {
        let json = try await run(["info", "-U", "--output=json", path])
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let format = object["format"] as? String
        else { throw Failure(command: "qemu-img info", output: "unreadable answer for '\(path)'") }
        var info = Info(
            format: VolumeFormat(rawValue: format), formatName: format,
            virtualSize: (object["virtual-size"] as? NSNumber)?.uint64Value ?? 0)
        info.backingFile = (object["full-backing-filename"] as? String) ?? (object["backing-filename"] as? String)
        info.backingFormat = (object["backing-filename-format"] as? String).flatMap(VolumeFormat.init(rawValue:))
        if let specific = object["format-specific"] as? [String: Any], let data = specific["data"] as? [String: Any] {
            info.compat = data["compat"] as? String
            info.lazyRefcounts = data["lazy-refcounts"] as? Bool ?? false
        }
        return info
    }
}
