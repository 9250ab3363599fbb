import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// Runs `qemu-img`, the one tool that reads and writes image formats. Each call is a child process run on the
/// blocking executor, so a long conversion never holds a Swift concurrency thread.
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
        /// The image's own encryption (a LUKS image, or qcow2 with a LUKS or AES header).
        var encryption: StorageEncryption.Format?
    }

    struct Failure: Error, LibvirtMappable {
        var command: String
        var output: String
        var virtError: VirtError {
            VirtError(.operationFailed, domain: .storage, detail: "\(command): \(output)")
        }
    }

    /// Runs qemu-img; `input` goes to its stdin (a secret object reading `/dev/stdin`).
    static func run(_ arguments: [String], input: [UInt8]? = nil) async throws -> String {
        let result: ChildProcess.Result
        do {
            // ChildProcess drains stdout and stderr together, so a chatty child cannot block on a full pipe.
            result = try await BlockingIO.run { try ChildProcess.run(executable, arguments, inputBytes: input) }
        } catch {
            throw Failure(command: "qemu-img", output: "\(error)")
        }
        guard result.status == 0 else {
            throw Failure(command: "qemu-img \(arguments.first ?? "")", output: result.standardError.trimmingWhitespace())
        }
        return result.standardOutput
    }

    /// Reads the header; `-U` so that images a running guest holds open can still be inspected.
    static func info(_ path: String) async throws -> Info {
        let json = try await run(["info", "-U", "--output=json", path])
        guard let object = try? JSONValue.parse(Data(json.utf8)), let format = object["format"]?.stringValue
        else { throw Failure(command: "qemu-img info", output: "unreadable answer for '\(path)'") }
        var info = Info(
            format: VolumeFormat(rawValue: format), formatName: format,
            virtualSize: object["virtual-size"]?.intValue.flatMap { UInt64(exactly: $0) } ?? 0)
        info.backingFile = object["full-backing-filename"]?.stringValue ?? object["backing-filename"]?.stringValue
        info.backingFormat = object["backing-filename-format"]?.stringValue.flatMap(VolumeFormat.init(rawValue:))
        if let data = object["format-specific"]?["data"] {
            info.compat = data["compat"]?.stringValue
            info.lazyRefcounts = data["lazy-refcounts"]?.boolValue ?? false
            if let encrypt = data["encrypt"]?["format"]?.stringValue {
                info.encryption = encrypt == "luks" ? .luks : .qcow
            }
        }
        if format == "luks" {
            info.encryption = .luks
        } else if info.encryption == nil, object["encrypted"]?.boolValue == true {
            info.encryption = .qcow
        }
        return info
    }
}
